/**
 * The application types every utility starts with (issue 6): each a workflow of stages with a role, a time
 * limit in working days and what the stage must produce; the documents it asks for (simplified: only what
 * the business needs); and its segregation-of-duties rules. DOMAIN.md §4: survey of a new connection within
 * 1 working day; §3: survey, design, budget, construction and acceptance of a connection must not sit with one
 * person or one department. No type charges an acceptance fee (免受理费).
 */
import type { OutputSpec } from './schemas';

export interface DefaultStage {
  code: string;
  name: string;
  nameEn: string;
  role: string;
  days: number;
  outputs: OutputSpec[];
  /** The utility may leave the stage out (process settings); its effect, if any, then does not happen. */
  isSkippable?: boolean;
}

export interface DefaultType {
  code: string;
  prefix: string;
  name: string;
  nameEn: string;
  description: string;
  descriptionEn: string;
  stages: DefaultStage[];
  materials: { code: string; name: string; nameEn: string; isRequired: boolean }[];
  rules: { kind: 'different_people' | 'different_departments'; stageCodes: string[] }[];
}

const note = (required: boolean, zh = '说明', en = 'Notes'): OutputSpec => ({ key: 'notes', kind: 'text', zh, en, required });
const files = (zh: string, en: string, min = 1): OutputSpec => ({ key: 'files', kind: 'attachments', zh, en, required: true, min });
const reading: OutputSpec[] = [
  { key: 'readOn', kind: 'date', zh: '抄表日期', en: 'Read on', required: true },
  { key: 'registerLitres', kind: 'litres', zh: '表码（升）', en: 'Register (litres)', required: true },
];
const categories = [
  { value: 'residential', zh: '居民', en: 'Residential' },
  { value: 'non_residential', zh: '非居民', en: 'Non-residential' },
  { value: 'special', zh: '特种行业', en: 'Special' },
];

const identity = { code: 'id_card', name: '申请人身份证明', nameEn: 'Applicant’s identity document', isRequired: true };
const property = { code: 'property_proof', name: '房产证明或租赁合同', nameEn: 'Proof of property or lease', isRequired: true };

export const DEFAULT_APPLICATION_TYPES: readonly DefaultType[] = [
  {
    code: 'new_connection',
    prefix: 'BZ',
    name: '用水报装',
    nameEn: 'New water connection',
    description: '新建用水点接入供水管网：受理、踏勘、设计、预算、签约缴费、施工、验收、装表、立户、首次抄表。免收受理费。',
    descriptionEn: 'Connecting a new premise to the network: accept, survey, design, budget, contract and fees, construction, inspection, meter installation, account opened, first reading. No acceptance fee.',
    stages: [
      { code: 'accept', name: '受理', nameEn: 'Accept', role: 'counter_clerk', days: 1, outputs: [note(false, '受理意见', 'Acceptance notes')] },
      { code: 'survey', name: '现场踏勘', nameEn: 'Site survey', role: 'connection_staff', days: 1, outputs: [note(true, '踏勘记录', 'Survey notes'), files('现场照片', 'Site photos')] },
      // Small connections need neither a design nor a budget in many utilities (小型工程免设计、免预算).
      { code: 'design', name: '设计', nameEn: 'Design', role: 'connection_staff', days: 5, isSkippable: true, outputs: [files('设计图纸', 'Design drawing'), { key: 'pipeDn', kind: 'integer', zh: '接管口径 DN', en: 'Service pipe DN', required: true, min: 15, max: 300 }] },
      { code: 'budget', name: '预算', nameEn: 'Budget', role: 'connection_staff', days: 3, isSkippable: true, outputs: [{ key: 'lines', kind: 'lines', zh: '预算明细', en: 'Budget lines', required: true }] },
      {
        code: 'contract',
        name: '签订合同及缴费',
        nameEn: 'Contract and fees',
        role: 'counter_clerk',
        days: 5,
        outputs: [
          { key: 'contractNo', kind: 'text', zh: '合同编号', en: 'Contract number', required: true },
          { key: 'paidFen', kind: 'fen', zh: '已缴工程款（分）', en: 'Works fee paid (fen)', required: true },
        ],
      },
      { code: 'construction', name: '施工', nameEn: 'Construction', role: 'connection_staff', days: 10, outputs: [{ key: 'completedOn', kind: 'date', zh: '完工日期', en: 'Completed on', required: true }, note(false, '施工记录', 'Construction notes')] },
      {
        code: 'inspection',
        name: '竣工验收',
        nameEn: 'Inspection',
        role: 'connection_staff',
        days: 2,
        outputs: [{ key: 'result', kind: 'choice', zh: '验收结果', en: 'Result', required: true, options: [{ value: 'passed', zh: '合格', en: 'Passed' }] }, note(false, '验收意见', 'Inspection notes')],
      },
      {
        code: 'meter_installation',
        name: '装表',
        nameEn: 'Meter installation',
        role: 'connection_staff',
        days: 2,
        outputs: [
          { key: 'serialNo', kind: 'text', zh: '表号', en: 'Meter serial number', required: true },
          { key: 'model', kind: 'text', zh: '型号', en: 'Model', required: true },
          { key: 'sizeDn', kind: 'integer', zh: '口径 DN', en: 'Size DN', required: true, min: 15, max: 300 },
          { key: 'initialReadingLitres', kind: 'litres', zh: '初始表码（升）', en: 'Initial register (litres)', required: true },
          { key: 'installedOn', kind: 'date', zh: '安装日期', en: 'Installed on', required: true },
        ],
      },
      {
        code: 'account_opening',
        name: '立户',
        nameEn: 'Account opened',
        role: 'counter_clerk',
        days: 1,
        outputs: [
          { key: 'category', kind: 'choice', zh: '用水类别', en: 'Account class', required: true, options: categories },
          { key: 'householdSize', kind: 'integer', zh: '户籍人口', en: 'Household size', required: false, min: 1, max: 20 },
          { key: 'routeId', kind: 'uuid', zh: '抄表本', en: 'Reading route', required: true },
        ],
      },
      { code: 'first_reading', name: '首次抄表', nameEn: 'First reading', role: 'meter_reader', days: 5, outputs: reading },
    ],
    materials: [identity, property, { code: 'site_plan', name: '用水点位置示意图', nameEn: 'Sketch of the premise', isRequired: false }],
    rules: [
      { kind: 'different_people', stageCodes: ['survey', 'budget', 'construction', 'inspection'] },
      { kind: 'different_departments', stageCodes: ['design', 'inspection'] },
    ],
  },
  {
    code: 'holder_change',
    prefix: 'GH',
    name: '更名过户',
    nameEn: 'Account holder change',
    description: '账户更换户主：抄表结算原户主水费后过户给新户主。',
    descriptionEn: 'A new holder takes over the account: a final reading settles the old holder’s charges, then the account moves.',
    stages: [
      { code: 'accept', name: '受理', nameEn: 'Accept', role: 'counter_clerk', days: 1, outputs: [note(false)] },
      { code: 'final_reading', name: '过户抄表', nameEn: 'Final reading', role: 'meter_reader', days: 2, outputs: reading },
      // Effects (effects.ts): the old holder's final bill up to the final reading, paid from their prepaid balance as far as it goes.
      { code: 'settlement', name: '结清水费', nameEn: 'Settle the balance', role: 'billing_clerk', days: 2, outputs: [note(false, '结算说明', 'Settlement notes')] },
      {
        code: 'transfer',
        name: '办理过户',
        nameEn: 'Transfer',
        role: 'counter_clerk',
        days: 1,
        outputs: [
          {
            key: 'prepaidHandling',
            kind: 'choice',
            zh: '原户主预存余额',
            en: 'Former holder’s prepaid balance',
            required: true,
            options: [
              { value: 'carry_over', zh: '随户转给新户主', en: 'Carried over to the new holder' },
              { value: 'refund', zh: '退还原户主（须先退款）', en: 'Refunded to the former holder (refund first)' },
            ],
          },
          note(false),
        ],
      },
    ],
    materials: [identity, property, { code: 'old_holder_consent', name: '原户主同意书（如有）', nameEn: 'Former holder’s consent (if any)', isRequired: false }],
    rules: [{ kind: 'different_people', stageCodes: ['final_reading', 'settlement'] }],
  },
  {
    code: 'category_change',
    prefix: 'XZ',
    name: '用水性质变更',
    nameEn: 'Water-use category change',
    description: '变更用水性质（如居民改非居民），现场核实后自抄表日起按新水价计费。',
    descriptionEn: 'Changing the water-use category (e.g. residential to non-residential): checked on site, billed at the new tariff from the reading date.',
    stages: [
      { code: 'accept', name: '受理', nameEn: 'Accept', role: 'counter_clerk', days: 1, outputs: [note(false)] },
      // A change proven by documents alone (a business licence) may need no site check.
      { code: 'survey', name: '现场核实', nameEn: 'Site check', role: 'connection_staff', days: 3, isSkippable: true, outputs: [note(true, '核实记录', 'Check notes'), files('现场照片', 'Site photos'), ...reading] },
      {
        code: 'approval',
        name: '审核变更',
        nameEn: 'Approve the change',
        role: 'billing_clerk',
        days: 2,
        outputs: [
          { key: 'category', kind: 'choice', zh: '新用水类别', en: 'New account class', required: true, options: categories },
          { key: 'waterCategoryId', kind: 'uuid', zh: '用水性质（空则按类别默认）', en: 'Water-use category (else the class default)', required: false },
          // Empty: from the site check's reading (effects.ts).
          { key: 'effectiveOn', kind: 'date', zh: '生效日期（空则为核实抄表日）', en: 'Effective from (else the check’s reading day)', required: false },
        ],
      },
    ],
    materials: [identity, { code: 'use_proof', name: '用途证明（如营业执照）', nameEn: 'Proof of use (e.g. business licence)', isRequired: true }],
    rules: [{ kind: 'different_people', stageCodes: ['survey', 'approval'] }],
  },
  {
    code: 'calibration',
    prefix: 'JB',
    name: '校表',
    nameEn: 'Meter calibration test',
    description: '对水表计量有异议时申请检定：超差则免费换表并退补水费，合格则收取检定费。',
    descriptionEn: 'A test of a disputed meter: out of tolerance, the utility replaces it and re-bills; within tolerance, the test fee is charged.',
    stages: [
      { code: 'accept', name: '受理', nameEn: 'Accept', role: 'counter_clerk', days: 1, outputs: [note(false)] },
      {
        code: 'test',
        name: '拆表检定',
        nameEn: 'Remove and test',
        role: 'connection_staff',
        days: 5,
        // The errors decide the result (JJG 162-2019, effects.ts); an out-of-tolerance meter is replaced on the spot.
        outputs: [
          { key: 'reportNo', kind: 'text', zh: '检定证书编号', en: 'Test report number', required: true },
          { key: 'errorUpperZone', kind: 'integer', zh: '高区示值误差（0.01%）', en: 'Error, upper flow zone (0.01 %)', required: true, min: -10_000, max: 10_000 },
          { key: 'errorLowerZone', kind: 'integer', zh: '低区示值误差（0.01%）', en: 'Error, lower flow zone (0.01 %)', required: true, min: -10_000, max: 10_000 },
          { key: 'replacedOn', kind: 'date', zh: '换表日期（超差时）', en: 'Replaced on (out of tolerance)', required: false },
          { key: 'oldRegisterLitres', kind: 'litres', zh: '旧表拆表表码（升，超差时）', en: 'Old meter’s last register (litres)', required: false },
          { key: 'newSerialNo', kind: 'text', zh: '新表表号（超差时）', en: 'New meter serial (out of tolerance)', required: false },
          { key: 'newModel', kind: 'text', zh: '新表型号（超差时）', en: 'New meter model (out of tolerance)', required: false },
          { key: 'newInitialReadingLitres', kind: 'litres', zh: '新表初始表码（升，超差时）', en: 'New meter’s initial register (litres)', required: false },
        ],
      },
      { code: 'settlement', name: '结果处理', nameEn: 'Settle the result', role: 'billing_clerk', days: 3, outputs: [note(true, '处理结果', 'Outcome')] },
    ],
    materials: [{ ...identity, isRequired: false }],
    rules: [{ kind: 'different_people', stageCodes: ['test', 'settlement'] }],
  },
  {
    code: 'removal',
    prefix: 'CB',
    name: '拆表销户',
    nameEn: 'Meter removal and account closure',
    description: '停止用水：抄最终表码、拆表、出具最终账单，结清后销户。',
    descriptionEn: 'Ending supply: final reading, meter removed, final bill issued, the account closed once paid.',
    stages: [
      { code: 'accept', name: '受理', nameEn: 'Accept', role: 'counter_clerk', days: 1, outputs: [note(false)] },
      { code: 'final_reading', name: '最终抄表', nameEn: 'Final reading', role: 'meter_reader', days: 2, outputs: reading },
      { code: 'meter_removal', name: '拆表', nameEn: 'Remove the meter', role: 'connection_staff', days: 3, outputs: [{ key: 'removedOn', kind: 'date', zh: '拆表日期', en: 'Removed on', required: true }] },
      // Effects (effects.ts): the final bill, paid from the prepaid balance as far as it goes; closed now if nothing is owed, else 'closing' until paid.
      { code: 'closure', name: '结清销户', nameEn: 'Close the account', role: 'billing_clerk', days: 3, outputs: [note(false, '销户说明', 'Closure notes')] },
    ],
    materials: [identity, property],
    rules: [{ kind: 'different_people', stageCodes: ['final_reading', 'meter_removal'] }],
  },
];
