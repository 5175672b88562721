import { Alert, Button, Card, Col, DatePicker, Empty, Flex, Form, InputNumber, Row, Select, Statistic, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChargeLine, TariffPreview } from '../../api/types';
import { MutationErrorAlert } from '../components/MutationErrorAlert';
import { applyFieldErrors } from '../utils/errors';
import { formLevelError } from './errors';
import { useTariffPreview, useWaterCategories } from './hooks';
import { formatFen, formatLitres, litresFromM3 } from './units';

interface Values {
  waterCategoryId?: string;
  period?: [Dayjs, Dayjs] | null;
  consumptionM3?: string | null;
  householdSize: number;
  usedEarlierM3?: string | null;
}

/** Form field paths of the preview request's fields, for the server's field errors. */
const FIELD_PATHS: Record<string, string[]> = {
  waterCategoryId: ['waterCategoryId'],
  periodStart: ['period'],
  periodEnd: ['period'],
  consumptionLitres: ['consumptionM3'],
  householdSize: ['householdSize'],
  usedEarlierInTierYearLitres: ['usedEarlierM3'],
};

/** "How much will I pay": the bill lines a use would get under a category's tariff versions. */
export function TariffCalculator({ initialCategoryId }: { initialCategoryId?: string }) {
  const { t, i18n } = useTranslation();
  const english = i18n.language.startsWith('en');
  const [form] = Form.useForm<Values>();
  const categories = useWaterCategories();
  const preview = useTariffPreview();
  const [unmatched, setUnmatched] = useState<string[]>([]);

  const submit = (values: Values) => {
    setUnmatched([]);
    const [start, end] = values.period ?? [];
    preview.mutate(
      {
        waterCategoryId: values.waterCategoryId ?? '',
        periodStart: start?.format('YYYY-MM-DD') ?? '',
        periodEnd: end?.format('YYYY-MM-DD') ?? '',
        consumptionLitres: litresFromM3(values.consumptionM3) ?? 0,
        householdSize: values.householdSize,
        usedEarlierInTierYearLitres: litresFromM3(values.usedEarlierM3) ?? 0,
      },
      { onError: (error) => setUnmatched(applyFieldErrors(form, error, i18n.language, (field) => FIELD_PATHS[field] ?? [field])) },
    );
  };

  const volumeRule = {
    validator: (_: unknown, value: unknown) =>
      value === null || value === undefined || value === '' || litresFromM3(value as string) !== null ? Promise.resolve() : Promise.reject(new Error(t('tariff.form.volumeFormat'))),
  };
  const defaultCategory = initialCategoryId ?? categories.data?.find((category) => category.isDefaultForClass && category.accountClass === 'residential')?.id;

  return (
    <Row gutter={24}>
      <Col xs={24} lg={9}>
        <Card title={t('tariff.calculator.title')} size="small">
          <Typography.Paragraph type="secondary">{t('tariff.calculator.hint')}</Typography.Paragraph>
          <Form<Values>
            key={defaultCategory ?? 'none'}
            form={form}
            layout="vertical"
            onFinish={submit}
            data-testid="tariff-calculator"
            initialValues={{
              waterCategoryId: defaultCategory,
              period: [dayjs().startOf('month'), dayjs().endOf('month')],
              householdSize: 3,
              consumptionM3: '15',
              usedEarlierM3: '0',
            }}
          >
            <Form.Item name="waterCategoryId" label={t('tariff.calculator.category')} rules={[{ required: true, message: t('tariff.calculator.categoryRequired') }]}>
              <Select
                loading={categories.isPending}
                showSearch={{ optionFilterProp: 'label' }}
                options={(categories.data ?? [])
                  .filter((category) => category.isActive || category.id === initialCategoryId)
                  .map((category) => ({ value: category.id, label: `${category.code} ${english ? category.nameEn : category.name}` }))}
              />
            </Form.Item>
            <Form.Item name="period" label={t('tariff.calculator.period')} rules={[{ required: true, message: t('tariff.calculator.periodRequired') }]}>
              <DatePicker.RangePicker style={{ width: '100%' }} />
            </Form.Item>
            <Row gutter={12}>
              <Col span={12}>
                <Form.Item name="consumptionM3" label={t('tariff.calculator.consumption')} rules={[{ required: true, message: t('tariff.calculator.consumptionRequired') }, volumeRule]}>
                  <InputNumber stringMode min="0" suffix="m³" style={{ width: '100%' }} />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item name="householdSize" label={t('tariff.calculator.householdSize')} rules={[{ required: true }]}>
                  <InputNumber min={1} max={20} precision={0} style={{ width: '100%' }} />
                </Form.Item>
              </Col>
            </Row>
            <Form.Item name="usedEarlierM3" label={t('tariff.calculator.usedEarlier')} tooltip={t('tariff.calculator.usedEarlierHint')} rules={[volumeRule]}>
              <InputNumber stringMode min="0" suffix="m³" style={{ width: '100%' }} />
            </Form.Item>
            <MutationErrorAlert error={formLevelError(preview.error, unmatched, t)} unmatched={unmatched} />
            <Button type="primary" htmlType="submit" loading={preview.isPending} block>
              {t('tariff.calculator.submit')}
            </Button>
          </Form>
        </Card>
      </Col>
      <Col xs={24} lg={15}>
        <Card title={t('tariff.calculator.result')} size="small">
          {preview.data && !preview.isError ? <PreviewResult preview={preview.data} /> : <Empty description={t('tariff.calculator.empty')} />}
        </Card>
      </Col>
    </Row>
  );
}

function PreviewResult({ preview }: { preview: TariffPreview }) {
  const { t, i18n } = useTranslation();
  const english = i18n.language.startsWith('en');
  const versionOf = new Map(preview.versions.map((version) => [version.id, version.version]));
  const sum = (types: ChargeLine['lineType'][]) => preview.lines.filter((line) => types.includes(line.lineType)).reduce((total, line) => total + line.amountFen, 0);
  const columns: TableColumnsType<ChargeLine> = [
    {
      key: 'description',
      title: t('tariff.calculator.line'),
      // Bills print the Chinese description; in English the line's kind comes first, the description under it.
      render: (_, line) =>
        english ? (
          <Flex vertical>
            <span>{line.tier === null ? t(`tariff.calculator.lineType.${line.lineType}`) : t('tariff.calculator.withTier', { type: t(`tariff.calculator.lineType.${line.lineType}`), n: line.tier })}</span>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {line.description}
            </Typography.Text>
          </Flex>
        ) : (
          line.description
        ),
    },
    { key: 'quantity', title: t('tariff.calculator.quantity'), align: 'right', render: (_, line) => (line.quantityLitres === null ? '—' : <span className="sw-code">{formatLitres(line.quantityLitres)}</span>) },
    { key: 'price', title: t('tariff.calculator.unitPrice'), align: 'right', render: (_, line) => (line.unitPriceFenPerM3 === null ? '—' : <span className="sw-code">{formatFen(line.unitPriceFenPerM3)}</span>) },
    { key: 'amount', title: t('tariff.calculator.amount'), align: 'right', render: (_, line) => <span className="sw-code">{formatFen(line.amountFen)}</span> },
    ...(preview.versions.length > 1
      ? [{ key: 'version', title: t('tariff.calculator.version'), width: 90, render: (_: unknown, line: ChargeLine) => <Tag>{t('tariff.category.versionLabel', { version: versionOf.get(line.tariffVersionId) ?? '?' })}</Tag> }]
      : []),
  ];
  return (
    <Flex vertical gap={16} data-testid="tariff-preview">
      <Row gutter={16}>
        <Col span={6}>
          <Statistic title={t('tariff.calculator.total')} value={formatFen(preview.totalFen)} styles={{ content: { color: '#0b6bcb', fontWeight: 600 } }} />
        </Col>
        <Col span={5}>
          <Statistic title={t('tariff.calculator.waterTotal')} value={formatFen(sum(['water']))} />
        </Col>
        <Col span={5}>
          <Statistic title={t('tariff.calculator.sewageTotal')} value={formatFen(sum(['sewage']))} />
        </Col>
        <Col span={4}>
          <Statistic title={t('tariff.calculator.resourceTotal')} value={formatFen(sum(['resource']))} />
        </Col>
        <Col span={4}>
          <Statistic title={t('tariff.calculator.otherTotal')} value={formatFen(sum(['fixed', 'over_quota']))} />
        </Col>
      </Row>
      {preview.versions.length > 1 ? <Alert type="info" showIcon title={t('tariff.calculator.prorated')} /> : null}
      <Table<ChargeLine>
        size="small"
        rowKey={(line) => `${line.tariffVersionId}-${line.lineType}-${line.tier ?? ''}-${line.description}`}
        columns={columns}
        dataSource={preview.lines}
        pagination={false}
        data-testid="preview-lines"
        summary={() => (
          <Table.Summary.Row>
            <Table.Summary.Cell index={0} colSpan={3}>
              <Typography.Text strong>{t('tariff.calculator.total')}</Typography.Text>
            </Table.Summary.Cell>
            <Table.Summary.Cell index={3} align="right">
              <Typography.Text strong className="sw-code" data-testid="preview-total">
                {formatFen(preview.totalFen)}
              </Typography.Text>
            </Table.Summary.Cell>
            {preview.versions.length > 1 ? <Table.Summary.Cell index={4} /> : null}
          </Table.Summary.Row>
        )}
      />
      <Typography.Text type="secondary">
        {t('tariff.calculator.versionsUsed', {
          versions: preview.versions
            .map((version) => `${t('tariff.category.versionLabel', { version: version.version })} ${t('tariff.category.since', { date: version.effectiveFrom })}`)
            .join(english ? ', ' : '、'),
        })}
      </Typography.Text>
    </Flex>
  );
}
