/**
 * Service definitions (GeoReport v2 "GET Service Definition"): the extra questions a category asks, per
 * category code. They are what a crew needs before it sets out (where the leak is, how much water, how far an
 * outage reaches), so a category with questions is published with metadata=true. Answers are checked
 * strictly against the definition and written at the head of the request's description, one line each.
 */

export type Datatype = 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';

export interface AttributeDefinition {
  code: string;
  /** false: text shown to the person reporting, not a question. */
  variable: boolean;
  datatype: Datatype;
  required: boolean;
  order: number;
  /** The short name the answer is filed under in the request's description. */
  label: string;
  description: string;
  datatypeDescription: string | null;
  values?: { key: string; name: string }[];
}

const LEAK_LOCATION: AttributeDefinition = {
  code: 'location',
  variable: true,
  datatype: 'singlevaluelist',
  required: true,
  order: 1,
  label: '漏水位置',
  description: '漏水的位置在哪里？',
  datatypeDescription: null,
  values: [
    { key: 'road', name: '道路/路面' },
    { key: 'sidewalk', name: '人行道/绿化带' },
    { key: 'meter_box', name: '水表箱/表井' },
    { key: 'hydrant', name: '消火栓' },
    { key: 'building', name: '小区内/楼道管道' },
    { key: 'indoor', name: '户内' },
    { key: 'other', name: '其他' },
  ],
};

const FLOW: AttributeDefinition = {
  code: 'flow',
  variable: true,
  datatype: 'singlevaluelist',
  required: false,
  order: 2,
  label: '出水情况',
  description: '水流有多大？',
  datatypeDescription: null,
  values: [
    { key: 'seeping', name: '渗水' },
    { key: 'flowing', name: '明显流水' },
    { key: 'gushing', name: '喷涌/大量冒水' },
  ],
};

const SINCE = (order: number, description: string): AttributeDefinition => ({
  code: 'since',
  variable: true,
  datatype: 'datetime',
  required: false,
  order,
  label: '开始时间',
  description,
  datatypeDescription: 'ISO 8601 时间，含时区，例如 2026-03-02T08:00:00+08:00',
});

const ACCOUNT_NO: AttributeDefinition = {
  code: 'account_no',
  variable: true,
  datatype: 'string',
  required: false,
  order: 1,
  label: '户号',
  description: '户号（水费账单上的 10 位号码），如涉及具体账户请填写',
  datatypeDescription: '10 位数字',
};

/** The questions of each default category (requests.ts DEFAULT_CATEGORIES); other categories ask none. */
export const SERVICE_ATTRIBUTES: Readonly<Record<string, readonly AttributeDefinition[]>> = {
  burst: [
    LEAK_LOCATION,
    FLOW,
    {
      code: 'safety',
      variable: false,
      datatype: 'string',
      required: false,
      order: 3,
      label: '安全提示',
      description: '如路面塌陷或大量积水，请远离现场、提醒过往行人车辆，并拨打供水服务热线。',
      datatypeDescription: null,
    },
  ],
  leak: [LEAK_LOCATION, FLOW],
  no_water: [
    {
      code: 'scope',
      variable: true,
      datatype: 'singlevaluelist',
      required: true,
      order: 1,
      label: '停水范围',
      description: '哪些地方没有水？',
      datatypeDescription: null,
      values: [
        { key: 'household', name: '仅本户' },
        { key: 'building', name: '整栋楼' },
        { key: 'neighbourhood', name: '整个小区/片区' },
      ],
    },
    SINCE(2, '什么时候开始没有水？'),
  ],
  low_pressure: [
    { code: 'floor', variable: true, datatype: 'number', required: false, order: 1, label: '楼层', description: '所在楼层', datatypeDescription: '整数，例如 6' },
    {
      code: 'times',
      variable: true,
      datatype: 'multivaluelist',
      required: false,
      order: 2,
      label: '水压低的时段',
      description: '什么时候水压低？（可多选）',
      datatypeDescription: null,
      values: [
        { key: 'morning', name: '早上 6–9 时' },
        { key: 'noon', name: '中午 11–14 时' },
        { key: 'evening', name: '晚上 18–22 时' },
        { key: 'night', name: '夜间' },
        { key: 'all_day', name: '全天' },
      ],
    },
  ],
  water_quality: [
    {
      code: 'symptoms',
      variable: true,
      datatype: 'multivaluelist',
      required: true,
      order: 1,
      label: '水质现象',
      description: '水有什么异常？（可多选）',
      datatypeDescription: null,
      values: [
        { key: 'discoloured', name: '发黄/浑浊' },
        { key: 'odour', name: '有异味' },
        { key: 'particles', name: '有杂质/沉淀' },
        { key: 'taste', name: '口感异常' },
        { key: 'milky', name: '发白（静置后变清）' },
      ],
    },
    SINCE(2, '什么时候开始出现？'),
  ],
  meter_fault: [
    {
      code: 'fault',
      variable: true,
      datatype: 'singlevaluelist',
      required: true,
      order: 1,
      label: '故障现象',
      description: '水表有什么问题？',
      datatypeDescription: null,
      values: [
        { key: 'stopped', name: '不走字' },
        { key: 'too_fast', name: '走得快' },
        { key: 'leaking', name: '表体漏水' },
        { key: 'unreadable', name: '表盘破损/看不清' },
        { key: 'frozen', name: '冻裂' },
      ],
    },
    { code: 'meter_serial', variable: true, datatype: 'string', required: false, order: 2, label: '表号', description: '表号（表盘上的编号）', datatypeDescription: '字母、数字或连字符' },
  ],
  inquiry: [ACCOUNT_NO],
  complaint: [ACCOUNT_NO],
  praise: [ACCOUNT_NO],
  suggestion: [ACCOUNT_NO],
};

export const attributesOf = (categoryCode: string): readonly AttributeDefinition[] => SERVICE_ATTRIBUTES[categoryCode] ?? [];

/** W3C date-time with seconds optional and a zone required (Z or ±HH:MM). */
export const W3C_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function parseW3cDateTime(value: string): Date | null {
  if (!W3C_DATETIME.test(value)) return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at;
}

export interface CheckedAttributes {
  /** The answers by code: one value, or several for a multivaluelist. */
  values: Record<string, string | string[]>;
  /** Lines for the request's description: 【label】answer. */
  lines: string[];
}

/**
 * Checks the answers (attribute[code]=value, attribute[code][]=value …) against a service's definition.
 * Returns the problems (empty when all is well) and the answers, normalised.
 */
export function checkAttributes(serviceCode: string, definitions: readonly AttributeDefinition[], given: ReadonlyMap<string, readonly string[]>): { problems: string[]; checked: CheckedAttributes } {
  const problems: string[] = [];
  const values: Record<string, string | string[]> = {};
  const lines: string[] = [];
  const byCode = new Map(definitions.map((definition) => [definition.code, definition]));
  for (const code of given.keys()) {
    const definition = byCode.get(code);
    if (!definition) problems.push(`attribute[${code}] is not an attribute of service_code ${serviceCode}`);
    else if (!definition.variable) problems.push(`attribute[${code}] is information for the user, not a question; send no value for it`);
  }
  for (const definition of [...definitions].sort((a, b) => a.order - b.order)) {
    if (!definition.variable) continue;
    const name = `attribute[${definition.code}]`;
    const answers = (given.get(definition.code) ?? []).map((value) => value.trim()).filter((value) => value !== '');
    if (answers.length === 0) {
      if (definition.required) problems.push(`${name} is required for service_code ${serviceCode}`);
      continue;
    }
    if (definition.datatype !== 'multivaluelist' && answers.length > 1) {
      problems.push(`${name} takes one value`);
      continue;
    }
    const [answer] = answers as [string, ...string[]];
    switch (definition.datatype) {
      case 'string':
        if (answer.length > 200 || /[\r\n]/.test(answer)) problems.push(`${name} must be one line of at most 200 characters`);
        else if (definition.code === 'account_no' && !/^\d{6,20}$/.test(answer)) problems.push(`${name} must be an account number (digits)`);
        else if (definition.code === 'meter_serial' && !/^[A-Za-z0-9-]{1,32}$/.test(answer)) problems.push(`${name} must be letters, digits or hyphens`);
        else {
          values[definition.code] = answer;
          lines.push(`【${definition.label}】${answer}`);
        }
        break;
      case 'text':
        if (answer.length > 1000) problems.push(`${name} must be at most 1,000 characters`);
        else {
          values[definition.code] = answer;
          lines.push(`【${definition.label}】${answer}`);
        }
        break;
      case 'number':
        if (!/^-?\d{1,9}(\.\d{1,6})?$/.test(answer)) problems.push(`${name} must be a number`);
        else {
          values[definition.code] = answer;
          lines.push(`【${definition.label}】${answer}`);
        }
        break;
      case 'datetime':
        if (!parseW3cDateTime(answer)) problems.push(`${name} must be an ISO 8601 date and time with a time zone, e.g. 2026-03-02T08:00:00+08:00`);
        else {
          values[definition.code] = answer;
          lines.push(`【${definition.label}】${answer}`);
        }
        break;
      case 'singlevaluelist': {
        const option = definition.values?.find((value) => value.key === answer);
        if (!option) problems.push(`${name} must be one of ${(definition.values ?? []).map((value) => value.key).join(', ')}`);
        else {
          values[definition.code] = answer;
          lines.push(`【${definition.label}】${option.name}`);
        }
        break;
      }
      case 'multivaluelist': {
        const unknown = answers.filter((value) => !definition.values?.some((option) => option.key === value));
        if (unknown.length > 0) problems.push(`${name} values must be among ${(definition.values ?? []).map((value) => value.key).join(', ')}; not ${unknown.join(', ')}`);
        else {
          const distinct = [...new Set(answers)];
          values[definition.code] = distinct;
          lines.push(`【${definition.label}】${distinct.map((key) => definition.values?.find((option) => option.key === key)?.name ?? key).join('、')}`);
        }
        break;
      }
    }
  }
  return { problems, checked: { values, lines } };
}
