import { App, Button, Col, Drawer, Form, Input, Radio, Row, Select, Space, Switch } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Customer, CustomerInput, CustomerKind, IdType } from '../../api/types';
import { useCreateCustomer, useUpdateCustomer, type CustomerPatch } from '../hooks/customers';
import { applyFieldErrors, isStaleVersion } from '../utils/errors';
import { blankToNull } from '../utils/format';
import { EMAIL, MOBILE_PHONE, isResidentId } from '../utils/validators';
import { MutationErrorAlert } from './MutationErrorAlert';

interface Values {
  kind: CustomerKind;
  name: string;
  phone?: string;
  idType?: IdType | null;
  idNumber?: string;
  email?: string;
  isImportant: boolean;
  importantNote?: string;
  isSpecialCare: boolean;
  specialCareNote?: string;
  notes?: string;
}

const ID_TYPES: IdType[] = ['resident_id', 'passport', 'business_licence', 'other'];

interface Props {
  open: boolean;
  /** The customer to edit; without it the drawer creates one. */
  customer?: Customer;
  onClose: () => void;
  onSaved: (customer: Customer) => void;
  /** Fetch the customer again after a 409 stale_version. */
  onReload?: () => void;
}

export function CustomerFormDrawer({ open, customer, onClose, onSaved, onReload }: Props) {
  const { t } = useTranslation();
  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={560}
      destroyOnHidden
      title={customer ? t('customer.editTitle') : t('customer.createTitle')}
    >
      {/* Re-mounted when the record's version changes, so a reload shows the latest values. */}
      <CustomerForm key={customer?.version ?? 'new'} customer={customer} onClose={onClose} onSaved={onSaved} onReload={onReload} />
    </Drawer>
  );
}

function CustomerForm({ customer, onClose, onSaved, onReload }: Omit<Props, 'open'>) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const create = useCreateCustomer();
  const update = useUpdateCustomer(customer?.id ?? '');
  const mutation = customer ? update : create;
  const [unmatched, setUnmatched] = useState<string[]>([]);
  const idType = Form.useWatch('idType', form);
  const isImportant = Form.useWatch('isImportant', form);
  const isSpecialCare = Form.useWatch('isSpecialCare', form);
  const editing = Boolean(customer);

  const initialValues: Values = customer
    ? {
        kind: customer.kind,
        name: customer.name,
        idType: customer.idType,
        email: customer.email ?? '',
        isImportant: customer.isImportant,
        importantNote: customer.importantNote ?? '',
        isSpecialCare: customer.isSpecialCare,
        specialCareNote: customer.specialCareNote ?? '',
        notes: customer.notes ?? '',
      }
    : { kind: 'individual', name: '', idType: 'resident_id', isImportant: false, isSpecialCare: false };

  const onError = (error: unknown) => {
    if (isStaleVersion(error)) return;
    setUnmatched(applyFieldErrors(form, error, i18n.language));
  };

  const submit = (values: Values) => {
    setUnmatched([]);
    const common = {
      kind: values.kind,
      name: values.name.trim(),
      email: blankToNull(values.email),
      isImportant: values.isImportant,
      importantNote: values.isImportant ? blankToNull(values.importantNote) : null,
      isSpecialCare: values.isSpecialCare,
      specialCareNote: values.isSpecialCare ? blankToNull(values.specialCareNote) : null,
      notes: blankToNull(values.notes),
    };
    const phone = blankToNull(values.phone);
    const idNumber = blankToNull(values.idNumber)?.toUpperCase() ?? null;
    if (!customer) {
      const body: CustomerInput = { ...common, phone, idType: idNumber ? (values.idType ?? null) : null, idNumber };
      create.mutate(body, {
        onSuccess: (saved) => {
          void message.success(t('common.created'));
          onSaved(saved);
        },
        onError,
      });
      return;
    }
    // Masked values cannot be edited in place: an empty phone or ID number field keeps what is stored.
    const patch: CustomerPatch = { ...common, version: customer.version };
    if (phone) patch.phone = phone;
    if (idNumber) {
      patch.idType = values.idType ?? null;
      patch.idNumber = idNumber;
    } else if ((values.idType ?? null) !== customer.idType) {
      patch.idType = values.idType ?? null;
    }
    update.mutate(patch, {
      onSuccess: (saved) => {
        void message.success(t('common.saved'));
        onSaved(saved);
      },
      onError,
    });
  };

  const keepPlaceholder = editing ? t('common.leaveEmptyToKeep') : undefined;

  return (
    <Form<Values>
      form={form}
      layout="vertical"
      initialValues={initialValues}
      onFinish={submit}
      onFinishFailed={() => void message.warning(t('common.formInvalid'))}
      scrollToFirstError
    >
      <Form.Item name="kind" label={t('customer.fields.kind')}>
        <Radio.Group
          optionType="button"
          options={[
            { value: 'individual', label: t('customer.kind.individual') },
            { value: 'organisation', label: t('customer.kind.organisation') },
          ]}
        />
      </Form.Item>
      <Form.Item
        name="name"
        label={t('customer.fields.name')}
        rules={[{ required: true, whitespace: true, message: t('customer.validation.nameRequired') }, { max: 100 }]}
      >
        <Input autoComplete="off" />
      </Form.Item>
      <Form.Item
        name="phone"
        label={t('customer.fields.phone')}
        extra={editing && customer?.phoneMasked ? t('common.currentValue', { value: customer.phoneMasked }) : undefined}
        rules={[{ pattern: MOBILE_PHONE, message: t('customer.validation.phone') }]}
      >
        <Input inputMode="numeric" maxLength={11} placeholder={keepPlaceholder} autoComplete="off" />
      </Form.Item>
      <Row gutter={12}>
        <Col span={9}>
          <Form.Item name="idType" label={t('customer.fields.idType')}>
            <Select
              allowClear
              options={ID_TYPES.map((type) => ({ value: type, label: t(`customer.idType.${type}`) }))}
            />
          </Form.Item>
        </Col>
        <Col span={15}>
          <Form.Item
            name="idNumber"
            label={t('customer.fields.idNumber')}
            dependencies={['idType']}
            extra={editing && customer?.idNumberMasked ? t('common.currentValue', { value: customer.idNumberMasked }) : undefined}
            rules={[
              ({ getFieldValue }) => ({
                validator: async (_, value: string | undefined) => {
                  const text = value?.trim();
                  if (!text) return;
                  const type = getFieldValue('idType') as IdType | null | undefined;
                  if (!type) throw new Error(t('customer.validation.idNumberNeedsType'));
                  if (type === 'resident_id' && !isResidentId(text.toUpperCase())) {
                    throw new Error(t('customer.validation.idNumber'));
                  }
                },
              }),
            ]}
          >
            <Input maxLength={idType === 'resident_id' ? 18 : 40} placeholder={keepPlaceholder} autoComplete="off" />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item
        name="email"
        label={t('customer.fields.email')}
        rules={[{ pattern: EMAIL, message: t('customer.validation.email') }]}
      >
        <Input autoComplete="off" />
      </Form.Item>
      <Row gutter={12}>
        <Col span={8}>
          <Form.Item name="isImportant" label={t('customer.fields.isImportant')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Col>
        <Col span={16}>
          <Form.Item name="importantNote" label={t('customer.fields.importantNote')}>
            <Input disabled={!isImportant} />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={12}>
        <Col span={8}>
          <Form.Item name="isSpecialCare" label={t('customer.fields.isSpecialCare')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Col>
        <Col span={16}>
          <Form.Item name="specialCareNote" label={t('customer.fields.specialCareNote')}>
            <Input disabled={!isSpecialCare} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="notes" label={t('customer.fields.notes')}>
        <Input.TextArea rows={3} maxLength={1000} showCount />
      </Form.Item>
      <MutationErrorAlert error={mutation.error} unmatched={unmatched} onReload={onReload} />
      <Space style={{ display: 'flex', justifyContent: 'flex-end' }}>
        <Button onClick={onClose}>{t('common.cancel')}</Button>
        <Button type="primary" htmlType="submit" loading={mutation.isPending}>
          {t('common.save')}
        </Button>
      </Space>
    </Form>
  );
}
