import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Flex, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import type { TariffVersionSummary, WaterCategory } from '../../api/types';
import { QueryError } from '../components/QueryError';
import { useSession } from '../session/session';
import { CategoryFormModal } from './CategoryFormModal';
import { useWaterCategories } from './hooks';
import { TariffCalculator } from './TariffCalculator';

export const CLASS_COLORS: Record<WaterCategory['accountClass'], string> = { residential: 'blue', non_residential: 'purple', special: 'magenta' };

/** "第 2 版 · 2026-07-01 起" */
export function VersionSummary({ version, color }: { version: TariffVersionSummary | null; color?: string }) {
  const { t } = useTranslation();
  if (!version) return <Typography.Text type="secondary">{t('tariff.category.none')}</Typography.Text>;
  return (
    <Space size={4}>
      <Tag color={color}>{t('tariff.category.versionLabel', { version: version.version })}</Tag>
      <span className="sw-code">{t('tariff.category.since', { date: version.effectiveFrom })}</span>
    </Space>
  );
}

/** 水价管理: the water-use categories with the versions in force, and the charge calculator. */
export function TariffsPage() {
  const { t, i18n } = useTranslation();
  const { can } = useSession();
  const english = i18n.language.startsWith('en');
  const [params, setParams] = useSearchParams();
  const categories = useWaterCategories();
  const [editing, setEditing] = useState<WaterCategory | null | undefined>(undefined);
  const tab = params.get('tab') === 'calculator' ? 'calculator' : 'categories';
  const canWrite = can('tariff.write');

  const columns: TableColumnsType<WaterCategory> = [
    {
      key: 'code',
      title: t('tariff.category.code'),
      width: 110,
      render: (_, category) => (
        <Link to={`/tariffs/${category.id}`} className="sw-code">
          {category.code}
        </Link>
      ),
    },
    {
      key: 'name',
      title: t('tariff.category.name'),
      render: (_, category) => (
        <Space orientation="vertical" size={0}>
          <Link to={`/tariffs/${category.id}`}>{english ? category.nameEn : category.name}</Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {english ? category.name : category.nameEn}
          </Typography.Text>
        </Space>
      ),
    },
    {
      key: 'class',
      title: t('tariff.category.accountClass'),
      width: 150,
      render: (_, category) => (
        <Space size={4}>
          <Tag color={CLASS_COLORS[category.accountClass]}>{t(`tariff.accountClass.${category.accountClass}`)}</Tag>
          {category.isDefaultForClass ? <Tag color="gold">{t('tariff.category.default')}</Tag> : null}
        </Space>
      ),
    },
    { key: 'current', title: t('tariff.category.current'), width: 200, render: (_, category) => <VersionSummary version={category.currentVersion} color="green" /> },
    { key: 'next', title: t('tariff.category.next'), width: 200, render: (_, category) => <VersionSummary version={category.nextVersion} color="blue" /> },
    { key: 'versions', title: t('tariff.category.versions'), width: 80, align: 'right', render: (_, category) => category.versionCount },
    {
      key: 'status',
      title: t('tariff.category.isActive'),
      width: 90,
      render: (_, category) => (category.isActive ? <Tag color="green">{t('tariff.category.isActive')}</Tag> : <Tag>{t('tariff.category.inactive')}</Tag>),
    },
    {
      key: 'actions',
      title: t('common.actions'),
      width: canWrite ? 190 : 120,
      render: (_, category) => (
        <Space size={0}>
          <Link to={`/tariffs/${category.id}`}>
            <Button type="link" size="small">
              {t('tariff.category.viewVersions')}
            </Button>
          </Link>
          {canWrite ? (
            <Button type="link" size="small" icon={<EditOutlined />} onClick={() => setEditing(category)}>
              {t('common.edit')}
            </Button>
          ) : null}
        </Space>
      ),
    },
  ];

  return (
    <Card>
      <Flex justify="space-between" align="flex-start" gap={16} wrap style={{ marginBottom: 8 }}>
        <div>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('tariff.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('tariff.subtitle')}</Typography.Text>
        </div>
        {canWrite && tab === 'categories' ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(null)}>
            {t('tariff.category.add')}
          </Button>
        ) : null}
      </Flex>
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams(key === 'calculator' ? { tab: key } : {})}
        items={[
          {
            key: 'categories',
            label: t('tariff.tabs.categories'),
            children:
              categories.isError && !categories.data ? (
                <QueryError compact error={categories.error} onRetry={() => void categories.refetch()} />
              ) : (
                <Table<WaterCategory>
                  rowKey="id"
                  size="middle"
                  columns={columns}
                  dataSource={categories.data ?? []}
                  loading={categories.isPending}
                  pagination={false}
                  data-testid="water-categories"
                  locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('tariff.category.empty')} /> }}
                />
              ),
          },
          { key: 'calculator', label: t('tariff.tabs.calculator'), children: <TariffCalculator initialCategoryId={params.get('category') ?? undefined} /> },
        ]}
      />
      <CategoryFormModal category={editing} onClose={() => setEditing(undefined)} />
    </Card>
  );
}
