import { z } from 'zod';
import { anyPhoneSchema, isoDateSchema, isValidResidentId, mobilePhoneSchema } from '../../platform/validation';
import { meterSchema } from '../meters';

export const CUSTOMER_KINDS = ['individual', 'organisation'] as const;
export const ID_TYPES = ['resident_id', 'passport', 'business_licence', 'other'] as const;
export const ACCOUNT_CATEGORIES = ['residential', 'non_residential', 'special'] as const;
// closing: the final bill of a removal (拆表销户) is issued and not yet settled; it closes when it is (payments).
export const ACCOUNT_STATUSES = ['active', 'suspended', 'closing', 'closed'] as const;
/** What a clerk may set by hand; 'closing' is only entered by a removal application. */
export const SETTABLE_ACCOUNT_STATUSES = ['active', 'suspended', 'closed'] as const;
export const BUILDING_TYPES = ['residential', 'commercial', 'industrial', 'public', 'unmanaged'] as const;

const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

// ---- customers ----
const customerFields = {
  kind: z.enum(CUSTOMER_KINDS),
  name: z.string().trim().min(1).max(100),
  phone: mobilePhoneSchema.nullable().optional(),
  idType: z.enum(ID_TYPES).nullable().optional(),
  idNumber: z.string().trim().toUpperCase().min(4).max(40).nullable().optional(),
  email: z.email().nullable().optional(),
  isImportant: z.boolean().optional(),
  importantNote: optionalText(500),
  isSpecialCare: z.boolean().optional(),
  specialCareNote: optionalText(500),
  notes: optionalText(2000),
};

function idNumberRules(value: { idType?: string | null | undefined; idNumber?: string | null | undefined }, context: z.RefinementCtx): void {
  if (value.idNumber && !value.idType) {
    context.addIssue({ code: 'custom', path: ['idType'], message: 'is required with an ID number', params: { zh: '填写证件号码时必须选择证件类型' } });
  }
  if (value.idType === 'resident_id' && value.idNumber && !isValidResidentId(value.idNumber)) {
    context.addIssue({ code: 'custom', path: ['idNumber'], message: 'is not a valid 18-character resident ID number (check digit)', params: { zh: '不是有效的18位居民身份证号码（校验位不符）' } });
  }
}

export const newCustomerSchema = z.strictObject(customerFields).superRefine(idNumberRules);
export type NewCustomer = z.infer<typeof newCustomerSchema>;

export const customerPatchSchema = z
  .strictObject({ ...customerFields, kind: customerFields.kind.optional(), name: customerFields.name.optional(), version: z.number().int().positive() })
  .superRefine(idNumberRules);
export type CustomerPatch = z.infer<typeof customerPatchSchema>;

export const customerSchema = z
  .object({
    id: z.uuid(),
    customerNo: z.string(),
    kind: z.enum(CUSTOMER_KINDS),
    name: z.string(),
    phoneMasked: z.string().nullable(),
    idType: z.enum(ID_TYPES).nullable(),
    idNumberMasked: z.string().nullable(),
    email: z.string().nullable(),
    isImportant: z.boolean(),
    importantNote: z.string().nullable(),
    isSpecialCare: z.boolean(),
    specialCareNote: z.string().nullable(),
    notes: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Customer' });
export type Customer = z.infer<typeof customerSchema>;

// ---- contacts ----
export const newContactSchema = z.strictObject({
  name: z.string().trim().min(1).max(50),
  relation: z.string().trim().min(1).max(30),
  phone: anyPhoneSchema,
  isPrimary: z.boolean().optional(),
});
export type NewContact = z.infer<typeof newContactSchema>;
export const contactPatchSchema = newContactSchema.partial();
export type ContactPatch = z.infer<typeof contactPatchSchema>;

export const contactSchema = z
  .object({ id: z.uuid(), customerId: z.uuid(), name: z.string(), relation: z.string(), phoneMasked: z.string(), isPrimary: z.boolean() })
  .meta({ id: 'Contact' });
export type Contact = z.infer<typeof contactSchema>;

// ---- premises ----
const premiseFields = {
  district: z.string().trim().min(1).max(30),
  street: z.string().trim().min(1).max(50),
  address: z.string().trim().min(2).max(150),
  buildingType: z.enum(BUILDING_TYPES).optional(),
  latitude: z.number().min(-90).max(90).nullable().optional(),
  longitude: z.number().min(-180).max(180).nullable().optional(),
};
export const newPremiseSchema = z.strictObject(premiseFields);
export type NewPremise = z.infer<typeof newPremiseSchema>;
export const premisePatchSchema = newPremiseSchema.partial().extend({ version: z.number().int().positive() });
export type PremisePatch = z.infer<typeof premisePatchSchema>;

export const premiseSchema = z
  .object({
    id: z.uuid(),
    district: z.string(),
    street: z.string(),
    address: z.string(),
    fullAddress: z.string(),
    buildingType: z.enum(BUILDING_TYPES),
    latitude: z.number().nullable(),
    longitude: z.number().nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'Premise' });
export type Premise = z.infer<typeof premiseSchema>;

export const districtSchema = z.object({ name: z.string(), streets: z.array(z.string()) }).meta({ id: 'District' });

// ---- accounts ----
export const newAccountSchema = z.strictObject({
  customerId: z.uuid(),
  premiseId: z.uuid(),
  category: z.enum(ACCOUNT_CATEGORIES),
  householdSize: z.number().int().min(1).max(20).optional(),
  openedOn: isoDateSchema.optional(),
  serviceHallId: z.uuid().nullable().optional(),
});
export type NewAccount = z.infer<typeof newAccountSchema>;

export const accountPatchSchema = z.strictObject({
  version: z.number().int().positive(),
  category: z.enum(ACCOUNT_CATEGORIES).optional(),
  status: z.enum(SETTABLE_ACCOUNT_STATUSES).optional(),
  householdSize: z.number().int().min(1).max(20).optional(),
  serviceHallId: z.uuid().nullable().optional(),
});
export type AccountPatch = z.infer<typeof accountPatchSchema>;

export const accountSchema = z
  .object({
    id: z.uuid(),
    accountNo: z.string(),
    customerId: z.uuid(),
    premiseId: z.uuid(),
    category: z.enum(ACCOUNT_CATEGORIES),
    status: z.enum(ACCOUNT_STATUSES),
    householdSize: z.number().int(),
    openedOn: isoDateSchema,
    serviceHallId: z.uuid().nullable(),
    fullAddress: z.string(),
    version: z.number().int(),
  })
  .meta({ id: 'Account' });
export type Account = z.infer<typeof accountSchema>;

// ---- search and 360 ----
export const searchQuerySchema = z.strictObject({
  q: z.string().trim().min(2).max(100),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const searchResultSchema = z
  .object({
    customerId: z.uuid(),
    customerNo: z.string(),
    name: z.string(),
    kind: z.enum(CUSTOMER_KINDS),
    phoneMasked: z.string().nullable(),
    isImportant: z.boolean(),
    isSpecialCare: z.boolean(),
    matchedOn: z.enum(['account_no', 'name', 'phone', 'id_number', 'address', 'customer_no']),
    accounts: z.array(
      z.object({ id: z.uuid(), accountNo: z.string(), status: z.enum(ACCOUNT_STATUSES), category: z.enum(ACCOUNT_CATEGORIES), address: z.string() }),
    ),
  })
  .meta({ id: 'SearchResult' });
export type SearchResult = z.infer<typeof searchResultSchema>;

export const historyEntrySchema = z
  .object({ seq: z.number().int(), occurredAt: z.iso.datetime(), actorName: z.string(), action: z.string(), objectType: z.string(), objectId: z.string() })
  .meta({ id: 'HistoryEntry' });
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

export const customer360Schema = z
  .object({
    customer: customerSchema,
    accounts: z.array(accountSchema),
    premises: z.array(premiseSchema),
    meters: z.array(meterSchema),
    contacts: z.array(contactSchema),
    history: z.array(historyEntrySchema),
  })
  .meta({ id: 'Customer360' });
export type Customer360 = z.infer<typeof customer360Schema>;

export const revealRequestSchema = z.strictObject({ field: z.enum(['phone', 'idNumber']) });
export const revealResponseSchema = z.object({ field: z.enum(['phone', 'idNumber']), value: z.string().nullable() });

// ---- portal ----
export const bindingRequestSchema = z.strictObject({
  accountNo: z.string().trim().regex(/^\d{8,12}$/, 'must be 8–12 digits'),
  holderName: z.string().trim().min(1).max(100),
});

export const portalAccountSchema = z
  .object({
    id: z.uuid(),
    accountNo: z.string(),
    holderNameMasked: z.string(),
    fullAddress: z.string(),
    category: z.enum(ACCOUNT_CATEGORIES),
    status: z.enum(ACCOUNT_STATUSES),
    householdSize: z.number().int(),
    openedOn: isoDateSchema,
    meters: z.array(z.object({ serialNo: z.string(), sizeDn: z.number().int(), isRemote: z.boolean(), installedOn: isoDateSchema.nullable() })),
    boundAt: z.iso.datetime(),
  })
  .meta({ id: 'PortalAccount' });
export type PortalAccount = z.infer<typeof portalAccountSchema>;
