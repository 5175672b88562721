import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Alert, Button, Card, Checkbox, Col, DatePicker, Drawer, Flex, Form, Input, InputNumber, Radio, Row, Typography } from 'antd';
import type { FormInstance } from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SurchargeCode, TariffDefinition, TariffVersion, TierBasis, WaterCategory } from '../../api/types';
import { FormFooter } from '../components/FormFooter';
import { applyFieldErrors } from '../utils/errors';
import { formLevelError } from './errors';
import { useCreateTariffVersion } from './hooks';
import { fenFromYuan, formatFen, litresFromM3, m3Text, tierNumber, yuanText } from './units';

/** The form's own shape: yuan and m³ as decimal text, converted to fen and litres on saving. */
interface TierValues {
  upToM3?: string | null;
  waterPrice?: string | null;
  extraM3?: string | null;
}
interface Values {
  effectiveFrom?: Dayjs | null;
  note?: string;
  tierBasis: TierBasis;
  tiers: TierValues[];
  householdEnabled: boolean;
  baseSize?: number | null;
  sewageEnabled: boolean;
  sewageName?: string;
  sewagePrice?: string | null;
  resourceEnabled: boolean;
  resourceName?: string;
  resourcePrice?: string | null;
  fixedCharges: { code?: string; name?: string; fee?: string | null }[];
  quotaEnabled: boolean;
  quotaM3?: string | null;
  quotaSteps: { overPercent?: number | null; surcharge?: string | null }[];
}

const SURCHARGE_NAMES: Record<SurchargeCode, string> = { sewage: '污水处理费', resource: '水资源费' };

/** The form's values for a definition to start from (the latest version's, or a blank three-tier one). */
function valuesOf(definition: TariffDefinition | null): Values {
  if (!definition) {
    return {
      tierBasis: 'annual',
      tiers: [{ upToM3: '180' }, { upToM3: '260' }, { upToM3: null }],
      householdEnabled: false,
      baseSize: 4,
      sewageEnabled: true,
      sewageName: SURCHARGE_NAMES.sewage,
      resourceEnabled: true,
      resourceName: SURCHARGE_NAMES.resource,
      fixedCharges: [],
      quotaEnabled: false,
      quotaSteps: [{ overPercent: 0 }],
    };
  }
  const surcharge = (code: SurchargeCode) => definition.surcharges.find((item) => item.code === code);
  const sewage = surcharge('sewage');
  const resource = surcharge('resource');
  return {
    tierBasis: definition.tierBasis,
    tiers: definition.tiers.map((tier, index) => ({
      upToM3: tier.upToLitresPerYearOrMonth === null ? null : m3Text(tier.upToLitresPerYearOrMonth),
      waterPrice: yuanText(tier.waterPriceFenPerM3),
      extraM3: definition.household?.extraLitresPerPersonPerTier[index] === undefined ? null : m3Text(definition.household.extraLitresPerPersonPerTier[index] ?? 0),
    })),
    householdEnabled: definition.household !== null,
    baseSize: definition.household?.baseSize ?? 4,
    sewageEnabled: Boolean(sewage),
    sewageName: sewage?.name ?? SURCHARGE_NAMES.sewage,
    sewagePrice: sewage ? yuanText(sewage.priceFenPerM3) : null,
    resourceEnabled: Boolean(resource),
    resourceName: resource?.name ?? SURCHARGE_NAMES.resource,
    resourcePrice: resource ? yuanText(resource.priceFenPerM3) : null,
    fixedCharges: definition.fixedCharges.map((charge) => ({ code: charge.code, name: charge.name, fee: yuanText(charge.fenPerMonth) })),
    quotaEnabled: definition.quota !== null,
    quotaM3: definition.quota ? m3Text(definition.quota.litresPerMonth) : null,
    quotaSteps: definition.quota?.steps.map((step) => ({ overPercent: step.overPercent, surcharge: yuanText(step.surchargeFenPerM3) })) ?? [{ overPercent: 0 }],
  };
}

/** The definition the server takes, and where each of its fields sits in the form (for the server's field errors). */
function definitionOf(values: Values): { definition: TariffDefinition; surchargeCodes: SurchargeCode[] } {
  const flat = values.tierBasis === 'flat';
  const tiers = flat ? values.tiers.slice(0, 1) : values.tiers;
  const surcharges: TariffDefinition['surcharges'] = [];
  if (values.resourceEnabled) surcharges.push({ code: 'resource', name: values.resourceName?.trim() || SURCHARGE_NAMES.resource, priceFenPerM3: fenFromYuan(values.resourcePrice) ?? 0 });
  if (values.sewageEnabled) surcharges.push({ code: 'sewage', name: values.sewageName?.trim() || SURCHARGE_NAMES.sewage, priceFenPerM3: fenFromYuan(values.sewagePrice) ?? 0 });
  return {
    surchargeCodes: surcharges.map((surcharge) => surcharge.code),
    definition: {
      tierBasis: values.tierBasis,
      tiers: tiers.map((tier, index) => ({
        upToLitresPerYearOrMonth: flat || index === tiers.length - 1 ? null : (litresFromM3(tier.upToM3) ?? 0),
        waterPriceFenPerM3: fenFromYuan(tier.waterPrice) ?? 0,
      })),
      household:
        !flat && values.householdEnabled
          ? { baseSize: values.baseSize ?? 1, extraLitresPerPersonPerTier: tiers.slice(0, -1).map((tier) => litresFromM3(tier.extraM3) ?? 0) }
          : null,
      surcharges,
      fixedCharges: values.fixedCharges.map((charge) => ({ code: charge.code?.trim() ?? '', name: charge.name?.trim() ?? '', fenPerMonth: fenFromYuan(charge.fee) ?? 0 })),
      quota: values.quotaEnabled
        ? {
            litresPerMonth: litresFromM3(values.quotaM3) ?? 0,
            steps: values.quotaSteps.map((step) => ({ overPercent: step.overPercent ?? 0, surchargeFenPerM3: fenFromYuan(step.surcharge) ?? 0 })),
          }
        : null,
    },
  };
}

/** Server field names (definition.tiers.1.waterPriceFenPerM3) as form field paths (tiers.1.waterPrice). */
function formPath(field: string, surchargeCodes: SurchargeCode[]): (string | number)[] {
  const parts = field.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  if (parts[0] !== 'definition') return parts;
  const [, group, index, name] = parts;
  if (group === 'tiers' && typeof index === 'number') return ['tiers', index, name === 'waterPriceFenPerM3' ? 'waterPrice' : 'upToM3'];
  if (group === 'household') return parts[2] === 'extraLitresPerPersonPerTier' && typeof parts[3] === 'number' ? ['tiers', parts[3], 'extraM3'] : ['baseSize'];
  if (group === 'surcharges' && typeof index === 'number') {
    const code = surchargeCodes[index] ?? 'sewage';
    return [name === 'name' ? `${code}Name` : `${code}Price`];
  }
  if (group === 'fixedCharges' && typeof index === 'number') return ['fixedCharges', index, name === 'fenPerMonth' ? 'fee' : String(name)];
  if (group === 'quota') {
    if (index === 'litresPerMonth') return ['quotaM3'];
    if (index === 'steps' && typeof name === 'number') return ['quotaSteps', name, parts[4] === 'overPercent' ? 'overPercent' : 'surcharge'];
  }
  return parts;
}

interface Props {
  category: WaterCategory;
  /** The version to start from: the latest one, or null for a category's first version. */
  latest: TariffVersion | null;
  open: boolean;
  onClose: () => void;
  onCreated: (version: TariffVersion) => void;
}

export function TariffVersionDrawer({ category, latest, open, onClose, onCreated }: Props) {
  const { t, i18n } = useTranslation();
  const english = i18n.language.startsWith('en');
  return (
    <Drawer open={open} onClose={onClose} size={820} destroyOnHidden title={t('tariff.form.title', { name: english ? category.nameEn : category.name })}>
      {open ? <VersionForm category={category} latest={latest} onClose={onClose} onCreated={onCreated} /> : null}
    </Drawer>
  );
}

function VersionForm({ category, latest, onClose, onCreated }: Omit<Props, 'open'>) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const create = useCreateTariffVersion(category.id);
  const [unmatched, setUnmatched] = useState<string[]>([]);
  const tierBasis = Form.useWatch('tierBasis', form) ?? latest?.definition.tierBasis ?? 'annual';
  const householdEnabled = Form.useWatch('householdEnabled', form);
  const quotaEnabled = Form.useWatch('quotaEnabled', form);
  const flat = tierBasis === 'flat';

  const submit = (values: Values) => {
    setUnmatched([]);
    const { definition, surchargeCodes } = definitionOf(values);
    create.mutate(
      { effectiveFrom: values.effectiveFrom?.format('YYYY-MM-DD') ?? '', definition, note: values.note?.trim() || null },
      {
        onSuccess: (version) => {
          void message.success(t('tariff.form.created', { version: version.version }));
          onCreated(version);
        },
        onError: (error) => setUnmatched(applyFieldErrors(form, error, i18n.language, (field) => formPath(field, surchargeCodes))),
      },
    );
  };

  const initial: Values = {
    ...valuesOf(latest?.definition ?? null),
    // The first of the month after today, or after the latest version's first day if that is later.
    effectiveFrom: (latest && dayjs(latest.effectiveFrom).isAfter(dayjs()) ? dayjs(latest.effectiveFrom) : dayjs()).add(1, 'month').startOf('month'),
  };
  const priceRules = [
    { required: true, message: t('tariff.form.priceRequired') },
    { validator: (_: unknown, value: unknown) => (value === null || value === undefined || value === '' || fenFromYuan(value as string) !== null ? Promise.resolve() : Promise.reject(new Error(t('tariff.form.priceFormat')))) },
  ];
  const volumeRules = (required: boolean) => [
    { required, message: t('tariff.form.upToRequired') },
    { validator: (_: unknown, value: unknown) => (value === null || value === undefined || value === '' || litresFromM3(value as string) !== null ? Promise.resolve() : Promise.reject(new Error(t('tariff.form.volumeFormat')))) },
  ];
  const money = (suffix: string) => ({ stringMode: true, min: '0', precision: 2, step: '0.01', suffix, style: { width: '100%' } });

  return (
    <Form<Values> form={form} layout="vertical" initialValues={initial} onFinish={submit} scrollToFirstError data-testid="tariff-version-form">
      {latest ? <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('tariff.form.copyFrom', { version: latest.version })} description={t('tariff.versions.immutable')} /> : null}
      <Row gutter={16}>
        <Col span={10}>
          <Form.Item
            name="effectiveFrom"
            label={t('tariff.form.effectiveFrom')}
            rules={[{ required: true, message: t('tariff.form.effectiveFromRequired') }]}
            extra={latest ? t('tariff.form.effectiveFromHint', { date: latest.effectiveFrom }) : undefined}
          >
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col span={14}>
          <Form.Item name="note" label={t('tariff.form.note')}>
            <Input maxLength={500} placeholder={t('tariff.form.notePlaceholder')} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="tierBasis" label={t('tariff.form.basis')} extra={t(`tariff.basisHint.${tierBasis}`)}>
        <Radio.Group optionType="button" options={(['annual', 'monthly', 'flat'] as const).map((value) => ({ value, label: t(`tariff.basis.${value}`) }))} />
      </Form.Item>

      <Card size="small" title={t('tariff.form.tiers')} style={{ marginBottom: 16 }}>
        <Form.List name="tiers">
          {(fields, { add, remove }) => (
            <>
              <Row gutter={12} style={{ marginBottom: 8 }}>
                <Col span={3} />
                <Col span={5}>
                  <Typography.Text type="secondary">{t('tariff.form.upTo')}</Typography.Text>
                </Col>
                <Col span={5}>
                  <Typography.Text type="secondary">{t('tariff.form.waterPrice')}</Typography.Text>
                </Col>
                <Col span={5}>{householdEnabled && !flat ? <Typography.Text type="secondary">{t('tariff.form.extraPerPerson')}</Typography.Text> : null}</Col>
                <Col span={6} />
              </Row>
              {fields.map((field, index) => {
                const last = index === fields.length - 1;
                if (flat && index > 0) return null;
                return (
                  <Row key={field.key} gutter={12} align="top" data-testid={`tier-row-${index}`}>
                    <Col span={3}>
                      <Typography.Text strong style={{ lineHeight: '32px' }}>
                        {flat ? t('tariff.definition.flatName') : t('tariff.definition.tierName', { n: tierNumber(index + 1, i18n.language) })}
                      </Typography.Text>
                    </Col>
                    <Col span={5}>
                      {flat || last ? (
                        <Typography.Text type="secondary" style={{ lineHeight: '32px' }}>
                          {t('tariff.form.openEnded')}
                        </Typography.Text>
                      ) : (
                        <Form.Item name={[field.name, 'upToM3']} rules={volumeRules(true)}>
                          <InputNumber stringMode min="0" suffix="m³" style={{ width: '100%' }} placeholder={t('tariff.form.upTo')} />
                        </Form.Item>
                      )}
                    </Col>
                    <Col span={5}>
                      <Form.Item name={[field.name, 'waterPrice']} rules={priceRules}>
                        <InputNumber {...money(t('tariff.form.perM3'))} placeholder={t('tariff.form.waterPrice')} />
                      </Form.Item>
                    </Col>
                    <Col span={5}>
                      {householdEnabled && !flat && !last ? (
                        <Form.Item name={[field.name, 'extraM3']} rules={volumeRules(true)}>
                          <InputNumber stringMode min="0" prefix="+" suffix="m³" style={{ width: '100%' }} placeholder={t('tariff.form.extraPerPerson')} />
                        </Form.Item>
                      ) : null}
                    </Col>
                    <Col span={4}>
                      <TierTotal form={form} index={index} />
                    </Col>
                    <Col span={2}>
                      {!flat && fields.length > 1 ? (
                        <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('tariff.form.removeTier')} onClick={() => remove(field.name)} />
                      ) : null}
                    </Col>
                  </Row>
                );
              })}
              {!flat && fields.length < 10 ? (
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ upToM3: null }, fields.length - 1)}>
                  {t('tariff.form.addTier')}
                </Button>
              ) : null}
            </>
          )}
        </Form.List>
        {!flat ? (
          <Flex gap={16} align="center" wrap style={{ marginTop: 16 }}>
            <Form.Item name="householdEnabled" valuePropName="checked" noStyle>
              <Checkbox>{t('tariff.form.householdEnabled')}</Checkbox>
            </Form.Item>
            {householdEnabled ? (
              <Form.Item name="baseSize" label={t('tariff.form.baseSize')} tooltip={t('tariff.form.baseSizeHint')} layout="horizontal" style={{ marginBottom: 0 }} rules={[{ required: true }]}>
                <InputNumber min={1} max={20} precision={0} />
              </Form.Item>
            ) : null}
          </Flex>
        ) : null}
      </Card>

      <Card size="small" title={t('tariff.form.surcharges')} style={{ marginBottom: 16 }}>
        {(['resource', 'sewage'] as const).map((code) => (
          <SurchargeRow key={code} code={code} form={form} money={money(t('tariff.form.perM3'))} priceRules={priceRules} />
        ))}
      </Card>

      <Card size="small" title={t('tariff.form.fixedCharges')} style={{ marginBottom: 16 }}>
        <Form.List name="fixedCharges">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field) => (
                <Row key={field.key} gutter={12}>
                  <Col span={7}>
                    <Form.Item name={[field.name, 'code']} rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{1,29}$/, message: t('tariff.form.fixedCodeFormat') }]}>
                      <Input placeholder={t('tariff.form.fixedCode')} />
                    </Form.Item>
                  </Col>
                  <Col span={8}>
                    <Form.Item name={[field.name, 'name']} rules={[{ required: true, message: t('tariff.form.fixedName') }]}>
                      <Input maxLength={30} placeholder={t('tariff.form.fixedName')} />
                    </Form.Item>
                  </Col>
                  <Col span={7}>
                    <Form.Item name={[field.name, 'fee']} rules={priceRules}>
                      <InputNumber {...money(t('tariff.form.perMonth'))} placeholder={t('tariff.form.fixedFee')} />
                    </Form.Item>
                  </Col>
                  <Col span={2}>
                    <Button type="text" danger icon={<DeleteOutlined />} onClick={() => remove(field.name)} />
                  </Col>
                </Row>
              ))}
              {fields.length < 5 ? (
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({})}>
                  {t('tariff.form.addFixed')}
                </Button>
              ) : null}
            </>
          )}
        </Form.List>
      </Card>

      <Card size="small" title={t('tariff.definition.quota')} style={{ marginBottom: 16 }}>
        <Form.Item name="quotaEnabled" valuePropName="checked" style={{ marginBottom: quotaEnabled ? 16 : 0 }}>
          <Checkbox>{t('tariff.form.quotaEnabled')}</Checkbox>
        </Form.Item>
        {quotaEnabled ? (
          <>
            <Form.Item name="quotaM3" label={t('tariff.form.quotaM3')} rules={volumeRules(true)} style={{ maxWidth: 260 }}>
              <InputNumber stringMode min="0" suffix="m³" style={{ width: '100%' }} />
            </Form.Item>
            <Typography.Text type="secondary">{t('tariff.form.quotaSteps')}</Typography.Text>
            <Form.List name="quotaSteps">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((field) => (
                    <Row key={field.key} gutter={12} style={{ marginTop: 8 }}>
                      <Col span={9}>
                        <Form.Item name={[field.name, 'overPercent']} rules={[{ required: true, message: t('tariff.form.overPercent') }]}>
                          <InputNumber min={0} max={1000} precision={0} prefix="≥" suffix="%" style={{ width: '100%' }} placeholder={t('tariff.form.overPercent')} />
                        </Form.Item>
                      </Col>
                      <Col span={9}>
                        <Form.Item name={[field.name, 'surcharge']} rules={priceRules}>
                          <InputNumber {...money(t('tariff.form.perM3'))} prefix="+" placeholder={t('tariff.form.stepSurcharge')} />
                        </Form.Item>
                      </Col>
                      <Col span={2}>
                        {fields.length > 1 ? <Button type="text" danger icon={<DeleteOutlined />} onClick={() => remove(field.name)} /> : null}
                      </Col>
                    </Row>
                  ))}
                  {fields.length < 5 ? (
                    <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({})}>
                      {t('tariff.form.addStep')}
                    </Button>
                  ) : null}
                </>
              )}
            </Form.List>
          </>
        ) : null}
      </Card>

      <FormFooter error={formLevelError(create.error, unmatched, t)} unmatched={unmatched} saving={create.isPending} onCancel={onClose} />
    </Form>
  );
}

function SurchargeRow({ code, form, money, priceRules }: { code: SurchargeCode; form: FormInstance<Values>; money: object; priceRules: object[] }) {
  const { t } = useTranslation();
  const enabled = Form.useWatch(`${code}Enabled`, form);
  return (
    <Row gutter={12} align="top">
      <Col span={5}>
        <Form.Item name={`${code}Enabled`} valuePropName="checked">
          <Checkbox>{t(`tariff.form.${code}`)}</Checkbox>
        </Form.Item>
      </Col>
      {enabled ? (
        <>
          <Col span={8}>
            <Form.Item name={`${code}Name`} rules={[{ required: true, message: t('tariff.definition.surchargeName') }]}>
              <Input maxLength={30} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name={`${code}Price`} rules={priceRules}>
              <InputNumber {...money} />
            </Form.Item>
          </Col>
        </>
      ) : null}
    </Row>
  );
}

/** The tier's price with the fees, as the customer sees it (e.g. 2.07 + 1.57 + 1.36 = 5.00). */
function TierTotal({ form, index }: { form: FormInstance<Values>; index: number }) {
  const { t } = useTranslation();
  const price = fenFromYuan(Form.useWatch(['tiers', index, 'waterPrice'], form));
  const sewageEnabled = Form.useWatch('sewageEnabled', form);
  const sewagePrice = Form.useWatch('sewagePrice', form);
  const resourceEnabled = Form.useWatch('resourceEnabled', form);
  const resourcePrice = Form.useWatch('resourcePrice', form);
  if (price === null) return null;
  const sewage = sewageEnabled ? (fenFromYuan(sewagePrice) ?? 0) : 0;
  const resource = resourceEnabled ? (fenFromYuan(resourcePrice) ?? 0) : 0;
  return (
    <Typography.Text type="secondary" style={{ lineHeight: '32px' }} data-testid={`tier-total-${index}`}>
      {t('tariff.form.tierTotal', { total: formatFen(price + sewage + resource) })}
    </Typography.Text>
  );
}
