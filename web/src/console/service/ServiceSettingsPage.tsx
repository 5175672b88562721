/** 工单设置 (settings.manage): request categories with their time limits, basis, alert level and department; the materials catalogue. */
import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Empty, Flex, Form, Input, InputNumber, Modal, Radio, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { NewServiceCategory, NewServiceMaterial, ServiceCategory, ServiceDepartment, ServiceMaterial, ServiceRequestKind } from '../../api/types';
import { MutationErrorAlert } from '../components/MutationErrorAlert';
import { QueryError } from '../components/QueryError';
import { applyFieldErrors } from '../utils/errors';
import { useCategorySettings, useMaterialSettings, useSaveCategory, useSaveMaterial } from './adminHooks';
import { categoryName, KINDS } from './parts';

const DEPARTMENTS: ServiceDepartment[] = ['customer_service', 'network', 'meter', 'water_quality'];
const LIMITS = { desk: ['accept', 'respond', 'close'], field: ['accept', 'dispatch', 'arrive', 'control', 'restore'] } as const;
const limitsOf = (kind: ServiceRequestKind) => LIMITS[kind === 'repair' ? 'field' : 'desk'];

export function ServiceSettingsPage() {
  const { t } = useTranslation();
  return (
    <Flex vertical gap={16} data-testid="service-settings">
      <Card>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('service.settings.title')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('service.settings.subtitle')}</Typography.Text>
      </Card>
      <Card>
        <Tabs
          items={[
            { key: 'categories', label: t('service.settings.categories'), children: <CategoriesTab /> },
            { key: 'materials', label: t('service.settings.materials'), children: <MaterialsTab /> },
          ]}
        />
      </Card>
    </Flex>
  );
}

function ActiveTag({ isActive }: { isActive: boolean }) {
  const { t } = useTranslation();
  return <Tag color={isActive ? 'green' : 'default'}>{isActive ? t('service.settings.active') : t('service.settings.retired')}</Tag>;
}

function CategoriesTab() {
  const { t, i18n } = useTranslation();
  const { modal, message } = App.useApp();
  const categories = useCategorySettings();
  const save = useSaveCategory();
  const [editing, setEditing] = useState<ServiceCategory | 'new' | null>(null);
  const toggle = (category: ServiceCategory) => {
    const run = () => save.mutate({ id: category.id, patch: { isActive: !category.isActive } }, { onSuccess: () => void message.success(t('common.saved')) });
    if (!category.isActive) return run();
    void modal.confirm({ title: t('service.settings.retireConfirm', { name: categoryName(category, i18n.language) }), okButtonProps: { danger: true }, onOk: run });
  };
  const columns: TableColumnsType<ServiceCategory> = [
    { key: 'name', title: t('service.settings.name'), render: (_, category) => <Typography.Text strong>{categoryName(category, i18n.language)}</Typography.Text> },
    { key: 'code', title: t('service.settings.code'), render: (_, category) => <span className="sw-code">{category.code}</span> },
    { key: 'kind', title: t('service.settings.kind'), render: (_, category) => <span className="sv-nowrap">{t(`service.kind.${category.kind}`)}</span> },
    {
      key: 'limits',
      title: t('service.settings.limits'),
      render: (_, category) => (
        <Space size={[4, 4]} wrap>
          {limitsOf(category.kind).map((limit) => (
            <Tag key={limit} style={{ marginInlineEnd: 0 }}>
              {t(`service.limit.${limit}`)} {t('service.settings.minutes', { count: category.limits[limit] ?? 0 })}
            </Tag>
          ))}
        </Space>
      ),
    },
    { key: 'basis', title: t('service.settings.timeBasis'), render: (_, category) => <span className="sv-nowrap">{t(`service.settings.basis.${category.timeBasis}`)}</span> },
    { key: 'level', title: t('service.settings.alertLevel'), render: (_, category) => category.alertLevel },
    { key: 'department', title: t('service.settings.department'), render: (_, category) => <span className="sv-nowrap">{t(`service.settings.departments.${category.department}`)}</span> },
    { key: 'state', title: t('service.settings.state'), render: (_, category) => <ActiveTag isActive={category.isActive} /> },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, category) => (
        <Space>
          <Button size="small" onClick={() => setEditing(category)} data-testid="category-edit">
            {t('service.settings.edit')}
          </Button>
          <Button size="small" danger={category.isActive} onClick={() => toggle(category)} data-testid="category-toggle">
            {category.isActive ? t('service.settings.retire') : t('service.settings.restore')}
          </Button>
        </Space>
      ),
    },
  ];
  return (
    <Flex vertical gap={12}>
      <Flex justify="flex-end">
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="category-add">
          {t('service.settings.add')}
        </Button>
      </Flex>
      <MutationErrorAlert error={save.error} />
      {categories.isError ? (
        <QueryError compact error={categories.error} onRetry={() => void categories.refetch()} />
      ) : (
        <Table<ServiceCategory>
          rowKey="id"
          size="middle"
          loading={categories.isPending}
          columns={columns}
          dataSource={categories.data ?? []}
          pagination={false}
          scroll={{ x: 1000 }}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('service.settings.emptyCategories')} /> }}
          data-testid="category-table"
        />
      )}
      {editing ? <CategoryModal category={editing === 'new' ? null : editing} onClose={() => setEditing(null)} /> : null}
    </Flex>
  );
}

type CategoryValues = Omit<NewServiceCategory, 'limits'> & { limits: Record<string, number | null> };

function CategoryModal({ category, onClose }: { category: ServiceCategory | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<CategoryValues>();
  const save = useSaveCategory();
  const [unmatched, setUnmatched] = useState<string[]>([]);
  const kind = Form.useWatch('kind', form) ?? category?.kind ?? 'repair';
  const initial: Partial<CategoryValues> = category ?? { kind: 'repair', timeBasis: 'clock', alertLevel: 2, department: 'network', limits: {} };
  const submit = (values: CategoryValues) => {
    const limits = Object.fromEntries(limitsOf(values.kind ?? kind).map((limit) => [limit, values.limits?.[limit] ?? 0]));
    const onError = (error: unknown) => setUnmatched(applyFieldErrors(form, error, i18n.language));
    const onSuccess = () => {
      void message.success(t('common.saved'));
      onClose();
    };
    if (category) {
      save.mutate({ id: category.id, patch: { name: values.name, nameEn: values.nameEn, timeBasis: values.timeBasis, limits, alertLevel: values.alertLevel, department: values.department } }, { onSuccess, onError });
    } else {
      save.mutate({ body: { ...values, limits } }, { onSuccess, onError });
    }
  };
  return (
    <Modal
      open
      width={640}
      title={category ? `${t('service.settings.edit')} · ${categoryName(category, i18n.language)}` : t('service.settings.add')}
      okText={t('common.save')}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={save.isPending}
      destroyOnHidden
    >
      <Form<CategoryValues> form={form} layout="vertical" initialValues={initial} onFinish={submit} data-testid="category-form">
        <Flex gap={12}>
          <Form.Item name="name" label={t('service.settings.name')} rules={[{ required: true, whitespace: true, message: t('service.settings.required') }]} style={{ flex: 1 }}>
            <Input maxLength={30} />
          </Form.Item>
          <Form.Item name="nameEn" label={t('service.settings.nameEn')} rules={[{ required: true, whitespace: true, message: t('service.settings.required') }]} style={{ flex: 1 }}>
            <Input maxLength={60} />
          </Form.Item>
        </Flex>
        <Flex gap={12}>
          <Form.Item
            name="code"
            label={t('service.settings.code')}
            extra={category ? undefined : t('service.settings.codeHelp')}
            rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{1,31}$/, message: t('service.settings.codeInvalid') }]}
            style={{ flex: 1 }}
          >
            <Input disabled={category !== null} maxLength={32} className="sw-code" />
          </Form.Item>
          <Form.Item name="kind" label={t('service.settings.kind')} extra={category ? t('service.settings.kindFixed') : undefined} rules={[{ required: true }]} style={{ flex: 1 }}>
            <Select disabled={category !== null} options={KINDS.map((value) => ({ value, label: t(`service.kind.${value}`) }))} data-testid="category-kind" />
          </Form.Item>
        </Flex>
        <Form.Item name="timeBasis" label={t('service.settings.timeBasis')} rules={[{ required: true }]}>
          <Radio.Group options={(['clock', 'working'] as const).map((value) => ({ value, label: t(`service.settings.basis.${value}`) }))} />
        </Form.Item>
        <Form.Item label={t('service.settings.limits')} extra={t('service.settings.limitsHelp')} required>
          <Flex gap={8} wrap>
            {limitsOf(kind).map((limit) => (
              <Form.Item key={limit} name={['limits', limit]} label={t(`service.limit.${limit}`)} rules={[{ required: true, message: t('service.settings.required') }]} style={{ marginBottom: 0, width: 104 }}>
                <InputNumber min={1} max={43_200} precision={0} style={{ width: '100%' }} data-testid={`limit-${limit}`} />
              </Form.Item>
            ))}
          </Flex>
        </Form.Item>
        <Flex gap={12}>
          <Form.Item name="alertLevel" label={t('service.settings.alertLevel')} rules={[{ required: true }]} style={{ flex: 1 }}>
            <Select options={[1, 2, 3, 4, 5].map((level) => ({ value: level, label: t('service.alert.level', { level }) }))} />
          </Form.Item>
          <Form.Item name="department" label={t('service.settings.department')} rules={[{ required: true }]} style={{ flex: 1 }}>
            <Select options={DEPARTMENTS.map((value) => ({ value, label: t(`service.settings.departments.${value}`) }))} />
          </Form.Item>
        </Flex>
      </Form>
      <MutationErrorAlert error={save.error} unmatched={unmatched} />
    </Modal>
  );
}

function MaterialsTab() {
  const { t, i18n } = useTranslation();
  const { modal, message } = App.useApp();
  const materials = useMaterialSettings();
  const save = useSaveMaterial();
  const [editing, setEditing] = useState<ServiceMaterial | 'new' | null>(null);
  const english = i18n.language.startsWith('en');
  const toggle = (material: ServiceMaterial) => {
    const run = () => save.mutate({ id: material.id, patch: { isActive: !material.isActive } }, { onSuccess: () => void message.success(t('common.saved')) });
    if (!material.isActive) return run();
    void modal.confirm({ title: t('service.settings.retireMaterialConfirm', { name: english ? material.nameEn : material.name }), okButtonProps: { danger: true }, onOk: run });
  };
  const columns: TableColumnsType<ServiceMaterial> = [
    { key: 'name', title: t('service.settings.name'), render: (_, material) => <Typography.Text strong>{english ? material.nameEn : material.name}</Typography.Text> },
    { key: 'code', title: t('service.settings.code'), render: (_, material) => <span className="sw-code">{material.code}</span> },
    { key: 'unit', title: t('service.settings.unit'), render: (_, material) => (english ? material.unitEn : material.unit) },
    {
      key: 'scale',
      title: t('service.settings.scale'),
      render: (_, material) => t('service.settings.scaleValue', { unit: english ? material.unitEn : material.unit, scale: material.scale, baseUnit: english ? material.baseUnitEn : material.baseUnit }),
    },
    { key: 'state', title: t('service.settings.state'), render: (_, material) => <ActiveTag isActive={material.isActive} /> },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, material) => (
        <Space>
          <Button size="small" onClick={() => setEditing(material)} data-testid="material-edit">
            {t('service.settings.edit')}
          </Button>
          <Button size="small" danger={material.isActive} onClick={() => toggle(material)} data-testid="material-toggle">
            {material.isActive ? t('service.settings.retire') : t('service.settings.restore')}
          </Button>
        </Space>
      ),
    },
  ];
  return (
    <Flex vertical gap={12}>
      <Flex justify="flex-end">
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="material-add">
          {t('service.settings.add')}
        </Button>
      </Flex>
      <MutationErrorAlert error={save.error} />
      {materials.isError ? (
        <QueryError compact error={materials.error} onRetry={() => void materials.refetch()} />
      ) : (
        <Table<ServiceMaterial>
          rowKey="id"
          size="middle"
          loading={materials.isPending}
          columns={columns}
          dataSource={materials.data ?? []}
          pagination={false}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('service.settings.emptyMaterials')} /> }}
          data-testid="material-table"
        />
      )}
      {editing ? <MaterialModal material={editing === 'new' ? null : editing} onClose={() => setEditing(null)} /> : null}
    </Flex>
  );
}

function MaterialModal({ material, onClose }: { material: ServiceMaterial | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<NewServiceMaterial>();
  const save = useSaveMaterial();
  const [unmatched, setUnmatched] = useState<string[]>([]);
  const required = [{ required: true, whitespace: true, message: t('service.settings.required') }];
  const submit = (values: NewServiceMaterial) => {
    const onError = (error: unknown) => setUnmatched(applyFieldErrors(form, error, i18n.language));
    const onSuccess = () => {
      void message.success(t('common.saved'));
      onClose();
    };
    if (material) save.mutate({ id: material.id, patch: { name: values.name, nameEn: values.nameEn, unit: values.unit, unitEn: values.unitEn } }, { onSuccess, onError });
    else save.mutate({ body: values }, { onSuccess, onError });
  };
  return (
    <Modal
      open
      width={600}
      title={material ? `${t('service.settings.edit')} · ${i18n.language.startsWith('en') ? material.nameEn : material.name}` : t('service.settings.add')}
      okText={t('common.save')}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={save.isPending}
      destroyOnHidden
    >
      <Form<NewServiceMaterial> form={form} layout="vertical" initialValues={material ?? { scale: 1 }} onFinish={submit} data-testid="material-form">
        <Form.Item name="code" label={t('service.settings.code')} extra={material ? undefined : t('service.settings.codeHelp')} rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{1,39}$/, message: t('service.settings.codeInvalid') }]}>
          <Input disabled={material !== null} maxLength={40} className="sw-code" />
        </Form.Item>
        <Flex gap={12}>
          <Form.Item name="name" label={t('service.settings.name')} rules={required} style={{ flex: 1 }}>
            <Input maxLength={60} />
          </Form.Item>
          <Form.Item name="nameEn" label={t('service.settings.nameEn')} rules={required} style={{ flex: 1 }}>
            <Input maxLength={60} />
          </Form.Item>
        </Flex>
        <Flex gap={12}>
          <Form.Item name="unit" label={t('service.settings.unit')} rules={required} style={{ flex: 1 }}>
            <Input maxLength={10} />
          </Form.Item>
          <Form.Item name="unitEn" label={t('service.settings.unitEn')} rules={required} style={{ flex: 1 }}>
            <Input maxLength={10} />
          </Form.Item>
        </Flex>
        <Flex gap={12}>
          <Form.Item name="baseUnit" label={t('service.settings.baseUnit')} rules={required} style={{ flex: 1 }}>
            <Input maxLength={10} disabled={material !== null} />
          </Form.Item>
          <Form.Item name="baseUnitEn" label={t('service.settings.baseUnitEn')} rules={required} style={{ flex: 1 }}>
            <Input maxLength={10} disabled={material !== null} />
          </Form.Item>
        </Flex>
        <Form.Item name="scale" label={t('service.settings.scale')} extra={t('service.settings.scaleHelp')} rules={[{ required: true }]}>
          <Radio.Group disabled={material !== null} options={[1, 10, 100, 1000].map((value) => ({ value, label: String(value) }))} />
        </Form.Item>
      </Form>
      <MutationErrorAlert error={save.error} unmatched={unmatched} />
    </Modal>
  );
}
