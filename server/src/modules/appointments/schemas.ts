import { z } from 'zod';
import { isoDateSchema, mobilePhoneSchema } from '../../platform/validation';
import { spansProblem, WEEKDAYS } from './hours';

/** What a customer may book an appointment for (预约业务). */
export const BUSINESSES = ['new_connection', 'holder_change', 'category_change', 'meter_calibration', 'meter_removal', 'billing', 'consultation'] as const;
export type Business = (typeof BUSINESSES)[number];

export const BUSINESS_NAMES: Record<Business, { zh: string; en: string }> = {
  new_connection: { zh: '用水报装', en: 'New water connection' },
  holder_change: { zh: '更名过户', en: 'Account holder change' },
  category_change: { zh: '用水性质变更', en: 'Water-use category change' },
  meter_calibration: { zh: '校表', en: 'Meter calibration test' },
  meter_removal: { zh: '拆表销户', en: 'Meter removal and account closure' },
  billing: { zh: '水费缴纳与账单', en: 'Bills and payments' },
  consultation: { zh: '业务咨询', en: 'General enquiry' },
};

const businessSchema = z.enum(BUSINESSES);
const timeSchema = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'a time HH:MM');
const spanSchema = z.strictObject({ from: timeSchema, to: timeSchema });

const spansSchema = z
  .array(spanSchema)
  .max(6)
  .superRefine((spans, context) => {
    const problem = spansProblem(spans);
    if (problem) context.addIssue({ code: 'custom', message: problem.en, params: { zh: problem.zh } });
  });

export const weeklyHoursSchema = z
  .strictObject(Object.fromEntries(WEEKDAYS.map((day) => [day, spansSchema])) as Record<(typeof WEEKDAYS)[number], typeof spansSchema>)
  .meta({ id: 'WeeklyHours', description: 'Opening hours per ISO weekday ("1" Monday … "7" Sunday), local time; several spans a day for staggered hours; [] closed' });

export const locationTypeSchema = z.enum(['service_hall', 'government_centre']).describe('营业厅 / 政务服务中心窗口');

export const locationSchema = z
  .object({
    id: z.uuid().describe('The service hall'),
    name: z.string(),
    address: z.string(),
    phone: z.string().nullable(),
    type: locationTypeSchema,
    businesses: z.array(businessSchema),
    weeklyHours: weeklyHoursSchema,
    slotMinutes: z.number().int(),
    capacity: z.number().int().describe('Places per slot'),
    bookingDays: z.number().int().describe('Days ahead customers may book'),
    isOpenOnHolidays: z.boolean(),
    isActive: z.boolean(),
    hasExtendedHours: z.boolean().describe('Opens outside the working calendar’s hours (evenings, weekends: 延时/错时服务)'),
    overrides: z.array(z.object({ date: isoDateSchema, spans: z.array(spanSchema), note: z.string() })).describe('Dates from today whose hours differ'),
    version: z.number().int(),
  })
  .meta({ id: 'AppointmentLocation' });
export type Location = z.infer<typeof locationSchema>;

const ruleFields = {
  businesses: z
    .array(businessSchema)
    .min(1)
    .refine((list) => new Set(list).size === list.length, 'a business is listed twice'),
  weeklyHours: weeklyHoursSchema,
  slotMinutes: z.int().min(5).max(240),
  capacity: z.int().min(1).max(500),
  bookingDays: z.int().min(1).max(90),
  isOpenOnHolidays: z.boolean(),
};

export const newLocationSchema = z
  .strictObject({
    hallId: z.uuid().optional().describe('Take appointments at an existing service hall'),
    hall: z
      .strictObject({
        name: z.string().trim().min(1).max(60),
        address: z.string().trim().min(1).max(200),
        phone: z.string().trim().max(30).nullable(),
        type: locationTypeSchema,
        openingHoursText: z.string().trim().max(200).optional().describe('Opening hours as shown on the hall list; made from the weekly hours when left out'),
      })
      .optional()
      .describe('Or a new service hall'),
    ...ruleFields,
  })
  .refine((body) => (body.hallId === undefined) !== (body.hall === undefined), { message: 'give either hallId or hall', path: ['hallId'], params: { zh: 'hallId 与 hall 须且只能填一个' } });
export type NewLocation = z.infer<typeof newLocationSchema>;

export const locationPatchSchema = z.strictObject({
  version: z.int().positive(),
  businesses: ruleFields.businesses.optional(),
  weeklyHours: ruleFields.weeklyHours.optional(),
  slotMinutes: ruleFields.slotMinutes.optional(),
  capacity: ruleFields.capacity.optional(),
  bookingDays: ruleFields.bookingDays.optional(),
  isOpenOnHolidays: ruleFields.isOpenOnHolidays.optional(),
  isActive: z.boolean().optional(),
});
export type LocationPatch = z.infer<typeof locationPatchSchema>;

export const dateOverrideSchema = z.strictObject({
  date: isoDateSchema,
  spans: spansSchema.describe('[] closes the location that day'),
  note: z.string().trim().max(200).default(''),
});
export type DateOverrideInput = z.infer<typeof dateOverrideSchema>;

export const slotSchema = z
  .object({
    startsAt: z.iso.datetime(),
    endsAt: z.iso.datetime(),
    from: z.string().describe('Local HH:MM'),
    to: z.string(),
    capacity: z.number().int(),
    booked: z.number().int(),
    available: z.number().int(),
    isExtended: z.boolean().describe('Outside the working calendar’s hours (延时/错时)'),
    isPast: z.boolean().describe('Starts before now: no longer bookable'),
  })
  .meta({ id: 'AppointmentSlot' });

export const daySlotsSchema = z
  .object({
    locationId: z.uuid(),
    date: isoDateSchema,
    kind: z.enum(['regular', 'holiday', 'adjusted_workday', 'override']),
    note: z.string(),
    isBookable: z.boolean().describe('Within the booking window of the location'),
    slots: z.array(slotSchema),
  })
  .meta({ id: 'AppointmentDay' });
export type DaySlots = z.infer<typeof daySlotsSchema>;

export const dayListSchema = z
  .object({
    days: z.array(z.object({ date: isoDateSchema, kind: z.enum(['regular', 'holiday', 'adjusted_workday', 'override']), slots: z.number().int(), available: z.number().int(), hasExtendedHours: z.boolean() })),
  })
  .meta({ id: 'AppointmentDayList' });

export const APPOINTMENT_STATUSES = ['booked', 'arrived', 'cancelled'] as const;

export const appointmentSchema = z
  .object({
    id: z.uuid(),
    bookingNo: z.string().describe('预约号'),
    locationId: z.uuid(),
    locationName: z.string(),
    locationAddress: z.string(),
    business: businessSchema,
    startsAt: z.iso.datetime(),
    endsAt: z.iso.datetime(),
    date: isoDateSchema.describe('Local date of the slot'),
    from: z.string(),
    to: z.string(),
    status: z.enum(APPOINTMENT_STATUSES),
    channel: z.enum(['portal', 'counter']),
    customerName: z.string(),
    phoneMasked: z.string(),
    accountNo: z.string().nullable(),
    note: z.string(),
    createdAt: z.iso.datetime(),
    cancelledAt: z.iso.datetime().nullable(),
    cancelReason: z.string().nullable(),
    arrivedAt: z.iso.datetime().nullable(),
    canChange: z.boolean().describe('Booked and not yet started: may be moved or cancelled'),
    version: z.number().int(),
  })
  .meta({ id: 'Appointment' });
export type Appointment = z.infer<typeof appointmentSchema>;

const slotChoice = {
  locationId: z.uuid(),
  startsAt: z.iso.datetime({ offset: true }).describe('Start of the chosen slot'),
};

export const portalBookingSchema = z.strictObject({
  ...slotChoice,
  business: businessSchema,
  customerName: z.string().trim().min(1).max(50),
  note: z.string().trim().max(200).default(''),
});
export type PortalBooking = z.infer<typeof portalBookingSchema>;

export const counterBookingSchema = z.strictObject({
  ...slotChoice,
  business: businessSchema,
  customerName: z.string().trim().min(1).max(50),
  phone: mobilePhoneSchema,
  accountNo: z.string().trim().regex(/^\d{6,20}$/).optional(),
  note: z.string().trim().max(200).default(''),
});
export type CounterBooking = z.infer<typeof counterBookingSchema>;

export const moveSchema = z.strictObject({ ...slotChoice, version: z.int().positive() });
export type MoveInput = z.infer<typeof moveSchema>;

export const cancelSchema = z.strictObject({ version: z.int().positive(), reason: z.string().trim().min(1).max(200) });
export const portalCancelSchema = z.strictObject({ version: z.int().positive(), reason: z.string().trim().max(200).default('') });
export const arriveSchema = z.strictObject({ version: z.int().positive() });

export const appointmentListQuerySchema = z.strictObject({
  locationId: z.uuid().optional(),
  date: isoDateSchema.optional(),
  q: z.string().trim().min(4).max(20).optional().describe('A booking number or an 11-digit mobile number: that person’s bookings on any date'),
});

export const dateQuerySchema = z.strictObject({ date: isoDateSchema });
export const businessQuerySchema = z.strictObject({ business: businessSchema.optional() });
