/**
 * 业务流程设置 (settings.manage): per application type the stages (role, time limit in working days, whether a
 * skippable stage is worked), the documents asked for and the segregation-of-duties rules; the first-reading
 * period of new connections; the versions made. Each save is one version on the server, checked whole.
 */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Checkbox, Empty, Flex, Form, Input, InputNumber, Select, Space, Switch, Table, Tabs, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MutationErrorAlert } from '../components/MutationErrorAlert';
import { PageLoading } from '../components/PageLoading';
import { QueryError } from '../components/QueryError';
import { applyFieldErrors } from '../utils/errors';
import { formatDateTime } from '../utils/format';
import { useProcessSettings, useSaveFirstReadingDays, useSaveTypeProcess } from './hooks';
import type { FileKind, ProcessSettings, ProcessSettingsVersion, ProcessType, RuleKind } from './types';
import './processSettings.css';

/** A field the server names ("stages.0.timeLimitDays") as the form's path, list indexes as numbers. */
const toNamePath = (field: string) => field.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
const bilingual = (value: { zh: string; en: string }, language: string) => (language.startsWith('en') ? value.en : value.zh);

export function ProcessSettingsPage() {
  const { t } = useTranslation();
  const settings = useProcessSettings();
  if (settings.isPending) return <PageLoading />;
  if (settings.isError) return <QueryError error={settings.error} onRetry={() => void settings.refetch()} />;
  const data = settings.data;
  return (
    <Flex vertical gap={16} data-testid="process-settings">
      <Card>
        <Flex justify="space-between" align="start" gap={16} wrap>
          <div style={{ maxWidth: 820 }}>
            <Typography.Title level={4} style={{ margin: 0 }}>
              {t('processSettings.title')}
            </Typography.Title>
            <Typography.Text type="secondary">{t('processSettings.subtitle')}</Typography.Text>
          </div>
          <Space orientation="vertical" size={0} align="end">
            <Tag color={data.version === 0 ? 'default' : 'blue'} data-testid="process-settings-version">
              {data.version === 0 ? t('processSettings.defaults') : t('processSettings.version', { version: data.version })}
            </Tag>
            {data.updatedAt ? <Typography.Text type="secondary">{t('processSettings.updated', { by: data.updatedBy, at: formatDateTime(data.updatedAt) })}</Typography.Text> : null}
          </Space>
        </Flex>
      </Card>
      <Card>
        <Tabs items={data.types.map((type) => ({ key: type.code, label: <TypeLabel type={type} />, children: <TypeForm key={`${type.code}-${data.version}`} settings={data} type={type} /> }))} />
      </Card>
      <FirstReadingCard settings={data} onReload={() => void settings.refetch()} />
      <HistoryCard history={data.history} types={data.types} />
    </Flex>
  );
}

function TypeLabel({ type }: { type: ProcessType }) {
  const { i18n, t } = useTranslation();
  return (
    <Space size={6}>
      {bilingual({ zh: type.name, en: type.nameEn }, i18n.language)}
      {type.isActive ? null : <Tag>{t('processSettings.type.inactive')}</Tag>}
    </Space>
  );
}

interface TypeValues {
  stages: { code: string; role: string; timeLimitDays: number | null; isEnabled: boolean }[];
  materials: { code: string; name: string; nameEn: string; isRequired: boolean; acceptedKinds: FileKind[] }[];
  rules: { kind: RuleKind; stageCodes: string[] }[];
}

const valuesOf = (type: ProcessType): TypeValues => ({
  stages: type.stages.map((stage) => ({ code: stage.code, role: stage.role, timeLimitDays: stage.timeLimitDays, isEnabled: stage.isEnabled })),
  materials: type.materials.map((material) => ({ ...material, acceptedKinds: [...material.acceptedKinds] })),
  rules: type.rules.map((rule) => ({ kind: rule.kind, stageCodes: [...rule.stageCodes] })),
});

/** One type's stages, documents and rules in one form; saved as one version. */
function TypeForm({ settings, type }: { settings: ProcessSettings; type: ProcessType }) {
  const { t, i18n } = useTranslation();
  const { modal, message } = App.useApp();
  const [form] = Form.useForm<TypeValues>();
  const save = useSaveTypeProcess();
  const [unmatched, setUnmatched] = useState<string[]>([]);
  const initial = valuesOf(type);
  useEffect(() => form.resetFields(), [form, type]);
  const stageName = (code: string) => {
    const stage = type.stages.find((candidate) => candidate.code === code);
    return stage ? bilingual({ zh: stage.name, en: stage.nameEn }, i18n.language) : code;
  };

  const submit = () => {
    // Every value, registered or not (a stage's code and a required stage's "worked" have no field of their own).
    const values = form.getFieldsValue(true) as TypeValues;
    const send = () =>
      save.mutate(
        {
          code: type.code,
          patch: {
            version: settings.version,
            // Every stage in order, so a field error's index is the row's.
            stages: type.stages.map((stage, index) => {
              const value = values.stages[index];
              return { code: stage.code, role: value?.role ?? stage.role, timeLimitDays: value?.timeLimitDays ?? 0, isEnabled: value?.isEnabled ?? stage.isEnabled };
            }),
            materials: values.materials.map((material) => ({ ...material, code: material.code.trim(), name: material.name.trim(), nameEn: material.nameEn.trim(), acceptedKinds: material.acceptedKinds ?? [] })),
            rules: values.rules.map((rule) => ({ kind: rule.kind, stageCodes: rule.stageCodes ?? [] })),
          },
        },
        {
          onSuccess: () => {
            setUnmatched([]);
            void message.success(t('common.saved'));
          },
          onError: (error) => setUnmatched(applyFieldErrors(form, error, i18n.language, toNamePath)),
        },
      );
    if (values.rules.length === 0 && type.rules.length > 0) {
      void modal.confirm({ title: t('processSettings.rules.removeAllTitle'), content: t('processSettings.rules.removeAllBody', { name: bilingual({ zh: type.name, en: type.nameEn }, i18n.language) }), okButtonProps: { danger: true }, onOk: send });
    } else send();
  };

  const stageColumns: TableColumnsType<ProcessType['stages'][number]> = [
    { key: 'position', title: t('processSettings.stages.position'), width: 64, render: (_, stage) => stage.position },
    {
      key: 'name',
      title: t('processSettings.stages.name'),
      render: (_, stage) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text strong>{stageName(stage.code)}</Typography.Text>
          <Typography.Text type="secondary" className="sw-code">
            {stage.code}
          </Typography.Text>
        </Space>
      ),
    },
    {
      key: 'role',
      title: t('processSettings.stages.role'),
      width: 200,
      render: (_, stage, index) => (
        <Form.Item name={['stages', index, 'role']} className="ps-cell">
          <Select aria-label={`${stageName(stage.code)} ${t('processSettings.stages.role')}`} options={settings.roles.map((role) => ({ value: role.role, label: bilingual(role.name, i18n.language) }))} />
        </Form.Item>
      ),
    },
    {
      key: 'limit',
      title: t('processSettings.stages.timeLimit'),
      width: 190,
      render: (_, stage, index) => (
        <Form.Item name={['stages', index, 'timeLimitDays']} className="ps-cell">
          <InputNumber aria-label={`${stageName(stage.code)} ${t('processSettings.stages.timeLimit')}`} precision={0} style={{ width: 160 }} suffix={t('processSettings.stages.workingDays')} data-testid={`limit-${stage.code}`} />
        </Form.Item>
      ),
    },
    {
      key: 'enabled',
      title: t('processSettings.stages.enabled'),
      width: 130,
      render: (_, stage, index) =>
        stage.isSkippable ? (
          <Tooltip title={t('processSettings.stages.skippedHint')}>
            <Form.Item name={['stages', index, 'isEnabled']} valuePropName="checked" className="ps-cell">
              <Switch aria-label={`${stageName(stage.code)} ${t('processSettings.stages.enabled')}`} data-testid={`enabled-${stage.code}`} />
            </Form.Item>
          </Tooltip>
        ) : (
          <Tag>{t('processSettings.stages.required')}</Tag>
        ),
    },
    {
      key: 'open',
      title: t('processSettings.stages.open'),
      width: 90,
      render: (_, stage) =>
        stage.openApplications > 0 ? (
          <Tooltip title={t('processSettings.stages.openHelp')}>
            <Tag color="processing">{t('processSettings.stages.openCount', { count: stage.openApplications })}</Tag>
          </Tooltip>
        ) : (
          <Typography.Text type="secondary">0</Typography.Text>
        ),
    },
  ];

  const kindOptions = settings.fileKinds.map((kind) => ({ value: kind, label: t(`processSettings.kinds.${kind}`) }));
  const stageOptions = type.stages.map((stage) => ({ value: stage.code, label: stageName(stage.code) }));

  return (
    <Form<TypeValues> form={form} layout="vertical" initialValues={initial} onFinish={submit} data-testid={`process-type-${type.code}`}>
      <Typography.Text type="secondary">{t('processSettings.type.totalDays', { days: type.totalDays })}</Typography.Text>
      <Typography.Title level={5}>{t('processSettings.stages.title')}</Typography.Title>
      <Table rowKey="code" size="small" pagination={false} columns={stageColumns} dataSource={type.stages} scroll={{ x: 760 }} />

      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {t('processSettings.materials.title')}
      </Typography.Title>
      <Form.List name="materials">
        {(fields, { add, remove }) => (
          <Flex vertical gap={8}>
            {fields.length === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('processSettings.materials.empty')} /> : null}
            {fields.map((field) => {
              const isExisting = type.materials.some((material) => material.code === form.getFieldValue(['materials', field.name, 'code']));
              return (
                <Flex key={field.key} gap={8} wrap align="start" className="ps-material">
                  <Form.Item name={[field.name, 'code']} label={t('processSettings.materials.code')} tooltip={t('processSettings.materials.codeHelp')} className="ps-field" style={{ width: 150 }}>
                    <Input disabled={isExisting} className="sw-code" />
                  </Form.Item>
                  <Form.Item name={[field.name, 'name']} label={t('processSettings.materials.name')} className="ps-field" style={{ flex: '1 1 200px' }}>
                    <Input maxLength={60} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'nameEn']} label={t('processSettings.materials.nameEn')} className="ps-field" style={{ flex: '1 1 200px' }}>
                    <Input maxLength={80} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'isRequired']} label={t('processSettings.materials.required')} valuePropName="checked" className="ps-field">
                    <Switch />
                  </Form.Item>
                  <Form.Item name={[field.name, 'acceptedKinds']} label={t('processSettings.materials.kinds')} className="ps-field">
                    <Checkbox.Group options={kindOptions} />
                  </Form.Item>
                  <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('processSettings.materials.remove')} onClick={() => remove(field.name)} style={{ marginTop: 30 }} />
                </Flex>
              );
            })}
            <div>
              <Button icon={<PlusOutlined />} onClick={() => add({ code: '', name: '', nameEn: '', isRequired: false, acceptedKinds: [...settings.fileKinds] })}>
                {t('processSettings.materials.add')}
              </Button>
            </div>
          </Flex>
        )}
      </Form.List>

      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {t('processSettings.rules.title')}
      </Typography.Title>
      <Form.List name="rules">
        {(fields, { add, remove }) => (
          <Flex vertical gap={8}>
            {fields.length === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('processSettings.rules.empty')} /> : null}
            {fields.map((field) => (
              <Flex key={field.key} gap={8} wrap align="start">
                <Form.Item name={[field.name, 'stageCodes']} label={t('processSettings.rules.stages')} className="ps-field" style={{ flex: '1 1 360px' }}>
                  <Select mode="multiple" options={stageOptions} />
                </Form.Item>
                <Form.Item name={[field.name, 'kind']} label={t('processSettings.rules.kind')} className="ps-field" style={{ width: 200 }}>
                  <Select
                    options={[
                      { value: 'different_people', label: t('processSettings.rules.differentPeople') },
                      { value: 'different_departments', label: t('processSettings.rules.differentDepartments') },
                    ]}
                  />
                </Form.Item>
                <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('processSettings.rules.remove')} onClick={() => remove(field.name)} style={{ marginTop: 30 }} />
              </Flex>
            ))}
            <div>
              <Button icon={<PlusOutlined />} onClick={() => add({ kind: 'different_people', stageCodes: [] })}>
                {t('processSettings.rules.add')}
              </Button>
            </div>
          </Flex>
        )}
      </Form.List>

      <div style={{ marginTop: 24 }}>
        <MutationErrorAlert error={save.error} unmatched={unmatched} />
        <Space>
          <Button type="primary" htmlType="submit" loading={save.isPending} data-testid={`save-${type.code}`}>
            {t('processSettings.type.save', { name: bilingual({ zh: type.name, en: type.nameEn }, i18n.language) })}
          </Button>
          <Button onClick={() => form.resetFields()}>{t('processSettings.type.reset')}</Button>
        </Space>
      </div>
    </Form>
  );
}

function FirstReadingCard({ settings, onReload }: { settings: ProcessSettings; onReload: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ firstReadingDays: number | null }>();
  const save = useSaveFirstReadingDays();
  const [unmatched, setUnmatched] = useState<string[]>([]);
  useEffect(() => form.setFieldsValue({ firstReadingDays: settings.firstReadingDays }), [form, settings.firstReadingDays]);
  return (
    <Card title={t('processSettings.general.title')}>
      <Form
        form={form}
        layout="inline"
        initialValues={{ firstReadingDays: settings.firstReadingDays }}
        onFinish={(values) =>
          save.mutate(
            { version: settings.version, firstReadingDays: values.firstReadingDays ?? 0 },
            { onSuccess: () => (setUnmatched([]), void message.success(t('common.saved'))), onError: (error) => setUnmatched(applyFieldErrors(form, error, i18n.language)) },
          )
        }
      >
        <Form.Item name="firstReadingDays" label={t('processSettings.general.firstReadingDays')} extra={t('processSettings.general.help')}>
          <InputNumber precision={0} style={{ width: 140 }} suffix={t('processSettings.general.days')} data-testid="first-reading-days" />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={save.isPending}>
            {t('common.save')}
          </Button>
        </Form.Item>
      </Form>
      <div style={{ marginTop: 12 }}>
        <MutationErrorAlert error={save.error} unmatched={unmatched} onReload={onReload} />
      </div>
    </Card>
  );
}

function HistoryCard({ history, types }: { history: ProcessSettingsVersion[]; types: ProcessType[] }) {
  const { t, i18n } = useTranslation();
  const columns: TableColumnsType<ProcessSettingsVersion> = [
    { key: 'version', title: t('processSettings.history.version'), width: 80, render: (_, item) => item.version },
    { key: 'at', title: t('processSettings.history.at'), width: 170, render: (_, item) => formatDateTime(item.changedAt) },
    { key: 'by', title: t('processSettings.history.by'), width: 140, render: (_, item) => item.changedBy },
    {
      key: 'scope',
      title: t('processSettings.history.scope'),
      width: 150,
      render: (_, item) => {
        const type = types.find((candidate) => candidate.code === item.typeCode);
        return type ? bilingual({ zh: type.name, en: type.nameEn }, i18n.language) : t('processSettings.history.general');
      },
    },
    {
      key: 'changes',
      title: t('processSettings.history.changes'),
      render: (_, item) => (
        <ul className="ps-changes">
          {item.changes.map((change, index) => (
            <li key={index}>{bilingual(change, i18n.language)}</li>
          ))}
        </ul>
      ),
    },
  ];
  return (
    <Card title={t('processSettings.history.title')} styles={{ body: { padding: 0 } }}>
      <Table rowKey="version" size="small" pagination={false} columns={columns} dataSource={history} scroll={{ x: 720 }} locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('processSettings.history.empty')} /> }} />
    </Card>
  );
}
