import { ArrowLeftOutlined, CalculatorOutlined, PlusOutlined, RollbackOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Descriptions, Empty, Flex, Form, Input, Modal, Row, Space, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import type { TariffVersion, TariffVersionStatus } from '../../api/types';
import { MutationErrorAlert } from '../components/MutationErrorAlert';
import { PageLoading } from '../components/PageLoading';
import { QueryError } from '../components/QueryError';
import { useSession } from '../session/session';
import { formatDateTime } from '../utils/format';
import { useTariffHistory, useWithdrawTariffVersion } from './hooks';
import { TariffDefinitionView } from './TariffDefinitionView';
import { CLASS_COLORS } from './TariffsPage';
import { TariffVersionDrawer } from './TariffVersionForm';

const STATUS_COLORS: Record<TariffVersionStatus, string> = { scheduled: 'blue', current: 'green', superseded: 'gray', withdrawn: 'red' };

/** The last day a version covers (its effectiveTo is the next version's first day). */
const lastDay = (effectiveTo: string) => {
  const date = new Date(`${effectiveTo}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
};

export function StatusTag({ status }: { status: TariffVersionStatus }) {
  const { t } = useTranslation();
  return <Tag color={STATUS_COLORS[status] === 'gray' ? 'default' : STATUS_COLORS[status]}>{t(`tariff.status.${status}`)}</Tag>;
}

/** A category's tariff versions: a timeline of every version ever made, and the chosen one in full. */
export function TariffCategoryPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const { can } = useSession();
  const navigate = useNavigate();
  const history = useTariffHistory(id);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [withdrawing, setWithdrawing] = useState<TariffVersion | null>(null);
  const english = i18n.language.startsWith('en');

  if (history.isPending) return <PageLoading />;
  if (history.isError) return <QueryError error={history.error} onRetry={() => void history.refetch()} />;
  const { category, versions } = history.data;
  const live = versions.filter((version) => version.status !== 'withdrawn');
  const latest = live[0] ?? null;
  const selected = versions.find((version) => version.id === selectedId) ?? versions.find((version) => version.status === 'current') ?? versions[0] ?? null;
  const range = (version: TariffVersion) =>
    version.status === 'withdrawn'
      ? t('tariff.category.withdrawnRange', { from: version.effectiveFrom })
      : version.effectiveTo ? t('tariff.category.range', { from: version.effectiveFrom, to: lastDay(version.effectiveTo) }) : t('tariff.category.open', { from: version.effectiveFrom });

  return (
    <Flex vertical gap={16}>
      <Card>
        <Flex justify="space-between" align="flex-start" gap={16} wrap>
          <div>
            <Link to="/tariffs">
              <Button type="link" icon={<ArrowLeftOutlined />} style={{ paddingInline: 0 }}>
                {t('tariff.versions.back')}
              </Button>
            </Link>
            <Flex align="center" gap={8}>
              <Typography.Title level={4} style={{ margin: 0 }}>
                <span className="sw-code">{category.code}</span> {english ? category.nameEn : category.name}
              </Typography.Title>
              <Tag color={CLASS_COLORS[category.accountClass]}>{t(`tariff.accountClass.${category.accountClass}`)}</Tag>
              {category.isDefaultForClass ? <Tag color="gold">{t('tariff.category.default')}</Tag> : null}
              {category.isActive ? null : <Tag>{t('tariff.category.inactive')}</Tag>}
            </Flex>
            <Typography.Text type="secondary">{english ? category.name : category.nameEn}</Typography.Text>
          </div>
          <Space>
            <Button icon={<CalculatorOutlined />} onClick={() => void navigate(`/tariffs?tab=calculator&category=${category.id}`)}>
              {t('tariff.versions.tryIt')}
            </Button>
            {can('tariff.write') ? (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="add-tariff-version">
                {t('tariff.versions.add')}
              </Button>
            ) : null}
          </Space>
        </Flex>
      </Card>
      <Row gutter={16}>
        <Col xs={24} lg={7}>
          <Card title={t('tariff.versions.timeline')} size="small">
            {versions.length === 0 ? (
              <Empty description={t('tariff.versions.noVersions')} />
            ) : (
              <Timeline
                data-testid="tariff-timeline"
                items={versions.map((version) => ({
                  key: version.id,
                  color: STATUS_COLORS[version.status],
                  content: (
                    <Button
                      type={selected?.id === version.id ? 'primary' : 'text'}
                      ghost={selected?.id === version.id}
                      onClick={() => setSelectedId(version.id)}
                      style={{ height: 'auto', padding: '4px 8px', textAlign: 'left', display: 'block', width: '100%' }}
                    >
                      <Space size={6}>
                        <Typography.Text strong delete={version.status === 'withdrawn'}>
                          {t('tariff.category.versionLabel', { version: version.version })}
                        </Typography.Text>
                        <StatusTag status={version.status} />
                      </Space>
                      <div>
                        <Typography.Text type="secondary" className="sw-code" style={{ fontSize: 12 }}>
                          {range(version)}
                        </Typography.Text>
                      </div>
                    </Button>
                  ),
                }))}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={17}>
          {selected ? (
            <Card
              size="small"
              title={
                <Space>
                  {t('tariff.category.versionLabel', { version: selected.version })}
                  <StatusTag status={selected.status} />
                </Space>
              }
              extra={
                can('tariff.write') && selected.status === 'scheduled' && selected.id === latest?.id ? (
                  <Button danger icon={<RollbackOutlined />} onClick={() => setWithdrawing(selected)}>
                    {t('tariff.versions.withdraw')}
                  </Button>
                ) : null
              }
              data-testid="tariff-version-detail"
            >
              <Descriptions
                size="small"
                column={2}
                style={{ marginBottom: 16 }}
                items={[
                  { key: 'effective', label: t('tariff.versions.effective'), children: <span className="sw-code">{range(selected)}</span> },
                  { key: 'note', label: t('tariff.versions.note'), children: selected.note ?? '—' },
                  { key: 'createdBy', label: t('tariff.versions.createdBy'), children: selected.createdBy },
                  { key: 'createdAt', label: t('tariff.versions.createdAt'), children: formatDateTime(selected.createdAt) },
                  ...(selected.withdrawnAt
                    ? [
                        { key: 'withdrawnBy', label: t('tariff.versions.withdrawnBy'), children: selected.withdrawnBy ?? '—' },
                        { key: 'withdrawnAt', label: t('tariff.versions.withdrawnAt'), children: formatDateTime(selected.withdrawnAt) },
                        { key: 'reason', label: t('tariff.versions.withdrawalReason'), children: selected.withdrawalReason ?? '—', span: 2 },
                      ]
                    : []),
                ]}
              />
              <TariffDefinitionView definition={selected.definition} />
            </Card>
          ) : (
            <Card size="small">
              <Empty description={t('tariff.versions.noVersions')} />
            </Card>
          )}
        </Col>
      </Row>
      <TariffVersionDrawer
        category={category}
        latest={latest}
        open={adding}
        onClose={() => setAdding(false)}
        onCreated={(version) => {
          setAdding(false);
          setSelectedId(version.id);
        }}
      />
      <WithdrawModal version={withdrawing} onClose={() => setWithdrawing(null)} />
    </Flex>
  );
}

function WithdrawModal({ version, onClose }: { version: TariffVersion | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const withdraw = useWithdrawTariffVersion();
  const [form] = Form.useForm<{ reason: string }>();
  const submit = ({ reason }: { reason: string }) => {
    if (!version) return;
    withdraw.mutate(
      { id: version.id, reason: reason.trim() },
      {
        onSuccess: () => {
          void message.success(t('tariff.versions.withdrawn', { version: version.version }));
          onClose();
        },
      },
    );
  };
  return (
    <Modal
      open={version !== null}
      title={version ? t('tariff.versions.withdrawTitle', { version: version.version }) : null}
      onCancel={onClose}
      okText={t('tariff.versions.withdraw')}
      okButtonProps={{ danger: true, loading: withdraw.isPending }}
      onOk={() => form.submit()}
      destroyOnHidden
      afterClose={() => withdraw.reset()}
    >
      <Typography.Paragraph type="secondary">{t('tariff.versions.withdrawHint')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={submit} preserve={false}>
        <Form.Item name="reason" label={t('tariff.versions.reason')} rules={[{ required: true, whitespace: true, min: 2, message: t('tariff.versions.reasonRequired') }]}>
          <Input.TextArea rows={3} maxLength={200} />
        </Form.Item>
      </Form>
      <MutationErrorAlert error={withdraw.error} />
    </Modal>
  );
}
