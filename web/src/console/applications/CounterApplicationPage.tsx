/**
 * 窗口受理: the counter enters an application for a walk-in customer (POST /api/applications) and gives the
 * number at once, then takes photos or scans of the documents. Opened from the customer 360 page
 * (?customerId=…), the customer and their accounts are filled in.
 */
import { ArrowLeftOutlined } from '@ant-design/icons';
import { App, Button, Card, Flex, Form, Input, InputNumber, Radio, Result, Select, Space, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { MutationErrorAlert } from '../components/MutationErrorAlert';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { Customer360 } from '../../api/types';
import { MIN_SEARCH_LENGTH, useCustomerSearch, useDistricts } from '../hooks/customers';
import { useDebouncedValue } from '../hooks/useDebouncedValue';
import { applyFieldErrors } from '../utils/errors';
import { MOBILE_PHONE } from '../utils/validators';
import { Materials } from './ApplicationDetailPage';
import { useApplication, useApplicationTypes, useCreateApplication } from './hooks';
import { useBilingual } from './parts';
import type { CounterApplication } from './types';

interface Values {
  typeCode: string;
  customerId?: string;
  accountId?: string;
  applicantName?: string;
  applicantPhone?: string;
  district?: string;
  street?: string;
  address?: string;
  category?: 'residential' | 'non_residential' | 'special';
  householdSize?: number;
  newHolderName?: string;
  note?: string;
}

interface CustomerChoice {
  id: string;
  name: string;
  accounts: { id: string; accountNo: string; address: string }[];
}

const CATEGORIES = ['residential', 'non_residential', 'special'] as const;

/** The application just made: its number, and the documents to add now. */
function Created({ id, onAnother }: { id: string; onAnother: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const application = useApplication(id);
  if (!application.data) return null;
  return (
    <Card data-testid="counter-created">
      <Result
        status="success"
        title={<span data-testid="counter-created-no">{t('applications.counter.createdTitle', { no: application.data.applicationNo })}</span>}
        subTitle={t('applications.counter.createdSubtitle')}
        extra={[
          <Button type="primary" key="open" onClick={() => void navigate(`/applications/${id}`)} data-testid="counter-open">
            {t('applications.counter.open')}
          </Button>,
          <Button key="another" onClick={onAnother}>
            {t('applications.counter.another')}
          </Button>,
        ]}
      />
      <Typography.Title level={5}>{t('applications.counter.materials')}</Typography.Title>
      <Materials application={application.data} canUpload />
    </Card>
  );
}

export function CounterApplicationPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const { name, pick } = useBilingual();
  const [params] = useSearchParams();
  const presetCustomerId = params.get('customerId') ?? '';
  const [form] = Form.useForm<Values>();
  const types = useApplicationTypes();
  const districts = useDistricts();
  // The same cache entry as the customer 360 page, read only when the page was opened for a customer.
  const preset = useQuery({ queryKey: ['customers', 'detail', presetCustomerId], queryFn: () => api.get<Customer360>(`/api/customers/${encodeURIComponent(presetCustomerId)}`), enabled: Boolean(presetCustomerId) });
  const create = useCreateApplication();
  const [unmatched, setUnmatched] = useState<string[]>([]);
  const [createdId, setCreatedId] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const debounced = useDebouncedValue(search, 300);
  const found = useCustomerSearch(debounced);
  const [chosen, setChosen] = useState<CustomerChoice | null>(null);

  const typeCode = Form.useWatch('typeCode', form);
  const district = Form.useWatch('district', form);
  const category = Form.useWatch('category', form);
  const isConnection = typeCode === 'new_connection';
  const type = types.data?.types.find((candidate) => candidate.code === typeCode);

  const customer: CustomerChoice | null = useMemo(() => {
    if (presetCustomerId && preset.data) {
      return {
        id: preset.data.customer.id,
        name: preset.data.customer.name,
        accounts: preset.data.accounts.filter((account) => account.status !== 'closed').map((account) => ({ id: account.id, accountNo: account.accountNo, address: account.fullAddress })),
      };
    }
    return chosen;
  }, [presetCustomerId, preset.data, chosen]);

  // Opened for a customer: their (first) account is the one the application is about unless another is chosen.
  const firstAccountId = customer?.accounts[0]?.id;
  useEffect(() => {
    if (firstAccountId && !form.getFieldValue('accountId')) form.setFieldsValue({ accountId: firstAccountId });
  }, [firstAccountId, form, typeCode]);

  const submit = async (values: Values) => {
    setUnmatched([]);
    const details: CounterApplication['details'] = {};
    if (values.category) details.category = values.category;
    if (values.householdSize) details.householdSize = values.householdSize;
    if (values.newHolderName?.trim()) details.newHolderName = values.newHolderName.trim();
    if (values.note?.trim()) details.note = values.note.trim();
    const body: CounterApplication = { typeCode: values.typeCode, ...(Object.keys(details).length ? { details } : {}) };
    if (customer) body.customerId = customer.id;
    if (values.applicantName?.trim()) body.applicantName = values.applicantName.trim();
    if (values.applicantPhone?.trim()) body.applicantPhone = values.applicantPhone.trim();
    if (isConnection) {
      body.district = values.district;
      body.street = values.street;
      body.address = values.address?.trim();
    } else {
      body.accountId = values.accountId;
    }
    try {
      const detail = await create.mutateAsync(body);
      void message.success(t('applications.counter.created', { no: detail.applicationNo }));
      setCreatedId(detail.id);
    } catch (error) {
      setUnmatched(applyFieldErrors(form, error, i18n.language, (field) => [field.replace(/^details\./, '')]));
    }
  };

  const another = () => {
    setCreatedId(null);
    form.resetFields();
    setChosen(null);
    create.reset();
  };

  const title = (
    <Flex vertical gap={4}>
      <Button type="link" icon={<ArrowLeftOutlined />} style={{ paddingInline: 0, alignSelf: 'flex-start' }} onClick={() => void navigate(presetCustomerId ? `/customers/${presetCustomerId}` : '/applications')}>
        {presetCustomerId ? t('customer.backToSearch') : t('applications.detail.back')}
      </Button>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {customer && presetCustomerId ? t('applications.counter.fromCustomer', { name: customer.name }) : t('applications.counter.title')}
      </Typography.Title>
      <Typography.Text type="secondary">{t('applications.counter.subtitle')}</Typography.Text>
    </Flex>
  );

  if (createdId) {
    return (
      <Flex vertical gap={16} style={{ maxWidth: 880 }}>
        {title}
        <Created id={createdId} onAnother={another} />
      </Flex>
    );
  }

  const streets = districts.data?.find((candidate) => candidate.name === district)?.streets ?? [];
  return (
    <Flex vertical gap={16} style={{ maxWidth: 880 }} data-testid="counter-application">
      {title}
      <Card>
        <Form<Values> form={form} layout="vertical" onFinish={(values) => void submit(values)} onFinishFailed={() => void message.warning(t('common.formInvalid'))} initialValues={{ typeCode: 'new_connection' }}>
          <Form.Item label={t('applications.counter.type')} name="typeCode" rules={[{ required: true }]}>
            <Radio.Group optionType="button" buttonStyle="solid" data-testid="counter-type" options={(types.data?.types ?? []).map((candidate) => ({ value: candidate.code, label: name(candidate) }))} />
          </Form.Item>
          {type && (
            <Typography.Paragraph type="secondary" style={{ marginTop: -12 }}>
              {pick({ zh: type.description, en: type.descriptionEn })}
            </Typography.Paragraph>
          )}
          <Form.Item label={t('applications.counter.customer')} name="customerId" required={!isConnection} rules={[{ validator: async () => { if (!isConnection && !customer) throw new Error(t('applications.counter.accountRequired')); } }]}>
            {presetCustomerId ? (
              <Typography.Text strong data-testid="counter-customer">
                {customer?.name ?? '…'}
              </Typography.Text>
            ) : (
              <Select
                showSearch={{ filterOption: false, onSearch: setSearch }}
                allowClear
                placeholder={t('applications.counter.customerSearch')}
                loading={found.isFetching}
                notFoundContent={debounced.trim().length < MIN_SEARCH_LENGTH ? null : undefined}
                onChange={(value: string | undefined) => {
                  const result = found.data?.results.find((candidate) => candidate.customerId === value);
                  setChosen(result ? { id: result.customerId, name: result.name, accounts: result.accounts.filter((account) => account.status !== 'closed') } : null);
                  form.setFieldsValue({ accountId: result?.accounts[0]?.id, applicantName: result?.name });
                }}
                options={(found.data?.results ?? []).map((result) => ({ value: result.customerId, label: `${result.name}（${result.customerNo}）${result.accounts.map((account) => account.accountNo).join('、')}` }))}
                data-testid="counter-customer-search"
              />
            )}
          </Form.Item>
          {!isConnection && (
            <Form.Item label={t('applications.counter.account')} name="accountId" rules={[{ required: true, message: t('applications.counter.accountRequired') }]}>
              <Select
                placeholder={t('applications.counter.accountRequired')}
                options={(customer?.accounts ?? []).map((account) => ({ value: account.id, label: `${account.accountNo} ${account.address}` }))}
                data-testid="counter-account"
              />
            </Form.Item>
          )}
          {isConnection && (
            <Space wrap align="start">
              <Form.Item label={t('applications.counter.district')} name="district" rules={[{ required: true, message: t('applications.form.required', { label: t('applications.counter.district') }) }]}>
                <Select style={{ width: 160 }} loading={districts.isPending} onChange={() => form.setFieldsValue({ street: undefined })} options={(districts.data ?? []).map((item) => ({ value: item.name, label: item.name }))} data-testid="counter-district" />
              </Form.Item>
              <Form.Item label={t('applications.counter.street')} name="street" rules={[{ required: true, message: t('applications.form.required', { label: t('applications.counter.street') }) }]}>
                <Select style={{ width: 180 }} options={streets.map((street) => ({ value: street, label: street }))} data-testid="counter-street" />
              </Form.Item>
              <Form.Item label={t('applications.counter.address')} name="address" rules={[{ required: true, whitespace: true, min: 2, max: 150, message: t('applications.form.required', { label: t('applications.counter.address') }) }]}>
                <Input style={{ width: 300 }} maxLength={150} data-testid="counter-address" />
              </Form.Item>
            </Space>
          )}
          <Space wrap align="start">
            <Form.Item label={t('applications.counter.applicantName')} name="applicantName" rules={[{ required: !customer, whitespace: true, message: t('applications.form.required', { label: t('applications.counter.applicantName') }) }, { max: 100 }]}>
              <Input style={{ width: 220 }} maxLength={100} data-testid="counter-applicant-name" />
            </Form.Item>
            <Form.Item
              label={t('applications.counter.applicantPhone')}
              name="applicantPhone"
              extra={t('applications.counter.phoneHint')}
              rules={[{ required: !customer, message: t('applications.counter.phoneInvalid') }, { pattern: MOBILE_PHONE, message: t('applications.counter.phoneInvalid') }]}
            >
              <Input style={{ width: 220 }} maxLength={11} inputMode="tel" data-testid="counter-applicant-phone" />
            </Form.Item>
          </Space>
          {(isConnection || typeCode === 'category_change') && (
            <Space wrap align="start">
              <Form.Item label={t('applications.counter.category')} name="category" rules={[{ required: typeCode === 'category_change', message: t('applications.form.required', { label: t('applications.counter.category') }) }]}>
                <Radio.Group data-testid="counter-category" options={CATEGORIES.map((value) => ({ value, label: t(`applications.detail.category.${value}`) }))} />
              </Form.Item>
              {isConnection && category === 'residential' && (
                <Form.Item label={t('applications.counter.householdSize')} name="householdSize">
                  <InputNumber min={1} max={20} precision={0} data-testid="counter-household-size" />
                </Form.Item>
              )}
            </Space>
          )}
          {typeCode === 'holder_change' && (
            <Form.Item label={t('applications.counter.newHolderName')} name="newHolderName" rules={[{ required: true, whitespace: true, message: t('applications.form.required', { label: t('applications.counter.newHolderName') }) }, { max: 100 }]}>
              <Input style={{ width: 260 }} maxLength={100} data-testid="counter-new-holder" />
            </Form.Item>
          )}
          <Form.Item label={t('applications.counter.note')} name="note" rules={[{ max: 500 }]}>
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
          <MutationErrorAlert error={create.error} unmatched={unmatched} />
          <Button type="primary" htmlType="submit" loading={create.isPending} data-testid="counter-submit">
            {t('applications.counter.submit')}
          </Button>
        </Form>
      </Card>
    </Flex>
  );
}
