import { Descriptions, Flex, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TariffDefinition } from '../../api/types';
import { formatFen, formatLitres, tierNumber } from './units';

interface TierRow {
  key: number;
  name: string;
  range: string;
  waterFen: number;
  totalFen: number;
}

/** One tariff version's rules as tables: tiers with their prices, fees, fixed charges and the quota. */
export function TariffDefinitionView({ definition }: { definition: TariffDefinition }) {
  const { t, i18n } = useTranslation();
  const surchargeFen = definition.surcharges.reduce((sum, surcharge) => sum + surcharge.priceFenPerM3, 0);
  const flat = definition.tierBasis === 'flat';
  const rangeKey = definition.tierBasis === 'monthly' ? 'tariff.definition.rangePerMonth' : 'tariff.definition.rangePerYear';
  const tiers: TierRow[] = definition.tiers.map((tier, index) => {
    const from = index === 0 ? 0 : (definition.tiers[index - 1]?.upToLitresPerYearOrMonth ?? 0);
    const range =
      flat || definition.tiers.length === 1
        ? t('tariff.definition.flatName')
        : tier.upToLitresPerYearOrMonth === null
          ? t('tariff.definition.above', { from: formatLitres(from) })
          : t(rangeKey, { from: formatLitres(from), to: formatLitres(tier.upToLitresPerYearOrMonth) });
    return {
      key: index,
      name: flat ? t('tariff.basis.flat') : t('tariff.definition.tierName', { n: tierNumber(index + 1, i18n.language) }),
      range,
      waterFen: tier.waterPriceFenPerM3,
      totalFen: tier.waterPriceFenPerM3 + surchargeFen,
    };
  });
  const tierColumns: TableColumnsType<TierRow> = [
    { key: 'name', title: t('tariff.definition.tier'), dataIndex: 'name', width: 120 },
    { key: 'range', title: t('tariff.definition.range'), dataIndex: 'range' },
    { key: 'water', title: t('tariff.definition.waterPrice'), align: 'right', render: (_, row) => <span className="sw-code">{formatFen(row.waterFen)}</span> },
    ...definition.surcharges.map((surcharge) => ({
      key: surcharge.code,
      title: `${surcharge.name}`,
      align: 'right' as const,
      render: () => <span className="sw-code">{formatFen(surcharge.priceFenPerM3)}</span>,
    })),
    {
      key: 'total',
      title: t('tariff.definition.totalPrice'),
      align: 'right',
      render: (_, row) => (
        <Typography.Text strong className="sw-code">
          {formatFen(row.totalFen)}
        </Typography.Text>
      ),
    },
  ];
  const household = definition.household;
  const quota = definition.quota;

  return (
    <Flex vertical gap={16} data-testid="tariff-definition">
      <div>
        <Flex align="center" gap={8} style={{ marginBottom: 8 }}>
          <Typography.Text strong>{t('tariff.definition.tiers')}</Typography.Text>
          <Tag color="blue">{t(`tariff.basis.${definition.tierBasis}`)}</Tag>
          <Typography.Text type="secondary">{t(`tariff.basisHint.${definition.tierBasis}`)}</Typography.Text>
        </Flex>
        <Table<TierRow> size="small" rowKey="key" columns={tierColumns} dataSource={tiers} pagination={false} bordered data-testid="tier-table" />
      </div>
      <Descriptions
        size="small"
        column={1}
        bordered
        items={[
          ...(flat
            ? []
            : [
                {
                  key: 'household',
                  label: t('tariff.definition.household'),
                  children: household
                    ? t('tariff.definition.householdRule', {
                        base: household.baseSize,
                        extra: household.extraLitresPerPersonPerTier
                          .map((litres, index) => t('tariff.definition.extraItem', { n: tierNumber(index + 1, i18n.language), m3: formatLitres(litres) }))
                          .join(i18n.language.startsWith('en') ? ', ' : '，'),
                      })
                    : t('tariff.definition.householdNone'),
                },
              ]),
          {
            key: 'fixed',
            label: t('tariff.definition.fixedCharges'),
            children: definition.fixedCharges.length
              ? definition.fixedCharges.map((charge) => (
                  <div key={charge.code}>
                    {charge.name} <span className="sw-code">{formatFen(charge.fenPerMonth)}</span> {t('tariff.form.perMonth')}
                  </div>
                ))
              : t('tariff.definition.noFixed'),
          },
          {
            key: 'quota',
            label: t('tariff.definition.quota'),
            children: quota ? (
              <Flex vertical gap={8}>
                <span>{t('tariff.definition.quotaAmount', { m3: formatLitres(quota.litresPerMonth) })}</span>
                <Table
                  size="small"
                  rowKey="overPercent"
                  pagination={false}
                  dataSource={quota.steps}
                  columns={[
                    {
                      key: 'range',
                      title: t('tariff.definition.quotaStep'),
                      render: (_, step, index) => {
                        const next = quota.steps[index + 1];
                        return next
                          ? t('tariff.definition.quotaStepRange', { from: step.overPercent, to: next.overPercent })
                          : t('tariff.definition.quotaStepAbove', { from: step.overPercent });
                      },
                    },
                    { key: 'price', title: t('tariff.definition.quotaSurcharge'), align: 'right', render: (_, step) => <span className="sw-code">{formatFen(step.surchargeFenPerM3)}</span> },
                  ]}
                />
              </Flex>
            ) : (
              t('tariff.definition.quotaNone')
            ),
          },
        ]}
      />
    </Flex>
  );
}
