import { ArrowLeftOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Flex, Form, Input, Radio, Row, Select, Space, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate, useSearchParams } from 'react-router';
import type { KnowledgeHit, NewServiceRequest, SearchResult, ServiceCategory, ServiceDuplicate, StaffServiceChannel } from '../../api/types';
import { CustomerTags } from '../components/CustomerTags';
import { MutationErrorAlert } from '../components/MutationErrorAlert';
import { QueryError } from '../components/QueryError';
import { MIN_SEARCH_LENGTH, useCustomerSearch } from '../hooks/customers';
import { useDebouncedValue } from '../hooks/useDebouncedValue';
import { applyFieldErrors } from '../utils/errors';
import { CallBanner, DuplicateWarning, FirstContactFields, KnowledgePanel, useDuplicateConfirm } from './DeskIntake';
import { useAttachContact, useDuplicates } from './deskHooks';
import { useCreateServiceRequest, useServiceCategories } from './hooks';
import { categoryName, formatSpan, KINDS } from './parts';
import './service.css';

const CHANNELS: StaffServiceChannel[] = ['hotline', 'counter', 'wechat', 'city_12345'];
const LIMIT_ORDER = ['accept', 'dispatch', 'arrive', 'control', 'restore', 'respond', 'close'];
const PHONE = /^1\d{10}$|^0\d{2,3}-?\d{7,8}$/;

interface Values {
  categoryId?: string;
  channel: StaffServiceChannel;
  accountId?: string;
  address?: string;
  description?: string;
  contactName?: string;
  contactPhone?: string;
  /** 一次解决: closed on the call with this answer (desk kinds). */
  resolveNow?: boolean;
  answer?: string;
}

const trimmed = (value: string | undefined) => {
  const text = value?.trim();
  return text ? text : undefined;
};

/** 热线受理: records a call (or a counter visit, a WeChat message, a 12345 referral) as a request with its deadlines. */
export function ServiceNewPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const categories = useServiceCategories();
  const create = useCreateServiceRequest();
  const [unmatched, setUnmatched] = useState<string[]>([]);
  // Opened from a call just logged: the caller's number looks up their accounts and is the contact phone.
  const callerPhone = (useLocation().state as { phone?: string } | null)?.phone;
  const [lookup, setLookup] = useState(callerPhone && /^1\d{10}$/.test(callerPhone) ? callerPhone : '');
  const debounced = useDebouncedValue(lookup.trim(), 250);
  const search = useCustomerSearch(debounced);
  // The account chosen, remembered with its customer so that it stays labelled after the search moves on.
  const [chosen, setChosen] = useState<{ result: SearchResult; accountId: string } | null>(null);
  const categoryId = Form.useWatch('categoryId', form);
  const category = categories.data?.find((item) => item.id === categoryId);
  // The service desk: the call this intake was opened from, answers quoted, likely duplicates.
  const [searchParams] = useSearchParams();
  const callId = searchParams.get('callId');
  const [quoted, setQuoted] = useState<string[]>([]);
  const accountId = Form.useWatch('accountId', form);
  const typedAddress = useDebouncedValue((Form.useWatch('address', form) ?? '').trim(), 400);
  const description = Form.useWatch('description', form) ?? '';
  const duplicates = useDuplicates({ categoryId, accountId, address: accountId ? undefined : typedAddress || undefined });
  const found = duplicates.data ?? [];
  const attach = useAttachContact();
  const confirmDuplicate = useDuplicateConfirm();
  const isDesk = category !== undefined && category.kind !== 'repair';

  const grouped = useMemo(
    () =>
      KINDS.map((kind) => ({
        label: t(`service.kind.${kind}`),
        title: kind,
        options: (categories.data ?? [])
          .filter((item) => item.isActive && item.kind === kind)
          .map((item) => ({ value: item.id, label: categoryName(item, i18n.language) })),
      })).filter((group) => group.options.length > 0),
    [categories.data, i18n.language, t],
  );

  const results = debounced.length >= MIN_SEARCH_LENGTH ? (search.data?.results ?? []) : [];
  const accountOptions = results.flatMap((result) =>
    result.accounts.map((account) => ({
      value: account.id,
      label: `${account.accountNo} · ${result.name}`,
      result,
      address: account.address,
    })),
  );
  if (chosen && !accountOptions.some((option) => option.value === chosen.accountId)) {
    const account = chosen.result.accounts.find((item) => item.id === chosen.accountId);
    if (account) accountOptions.unshift({ value: account.id, label: `${account.accountNo} · ${chosen.result.name}`, result: chosen.result, address: account.address });
  }
  const chosenAccount = chosen?.result.accounts.find((item) => item.id === chosen.accountId);

  const quote = (hit: KnowledgeHit) => {
    setQuoted((current) => (current.includes(hit.id) ? current : [...current, hit.id]));
    if (isDesk) {
      const answer = (form.getFieldValue('answer') as string | undefined)?.trim();
      form.setFieldsValue({ resolveNow: true, answer: answer ? `${answer}\n${hit.body}` : hit.body });
    }
    void message.success(t('service.desk.kb.quotedMessage', { title: hit.title }));
  };

  const attachTo = (duplicate: ServiceDuplicate) => {
    const values = form.getFieldsValue();
    const contactName = trimmed(values.contactName);
    const contactPhone = trimmed(values.contactPhone);
    const note = trimmed(values.description);
    attach.mutate(
      {
        id: duplicate.id,
        channel: values.channel,
        ...(contactName ? { contactName } : {}),
        ...(contactPhone && PHONE.test(contactPhone) ? { contactPhone } : {}),
        ...(note ? { note: note.slice(0, 1000) } : {}),
        ...(callId ? { callId } : {}),
      },
      {
        onSuccess: () => {
          void message.success(t('service.desk.duplicates.attached', { no: duplicate.requestNo }));
          void navigate(`/service/${duplicate.id}`);
        },
      },
    );
  };

  const submit = (values: Values) => {
    if (found.length > 0) return confirmDuplicate(found.map((duplicate) => duplicate.requestNo), () => save(values, true));
    save(values, false);
  };

  const save = (values: Values, confirmNotDuplicate: boolean) => {
    setUnmatched([]);
    const body: NewServiceRequest = {
      categoryId: values.categoryId ?? '',
      channel: values.channel,
      description: values.description?.trim() ?? '',
    };
    const address = trimmed(values.address);
    const contactName = trimmed(values.contactName);
    const contactPhone = trimmed(values.contactPhone);
    if (values.accountId) body.accountId = values.accountId;
    if (address) body.address = address;
    if (contactName) body.contactName = contactName;
    if (contactPhone) body.contactPhone = contactPhone;
    if (confirmNotDuplicate) body.confirmNotDuplicate = true;
    if (callId) body.callId = callId;
    if (quoted.length > 0) body.knowledgeArticleIds = quoted.slice(0, 5);
    const answer = trimmed(values.answer);
    if (isDesk && values.resolveNow && answer) body.resolveAtFirstContact = { answer };
    create.mutate(body, {
      onSuccess: (created) => {
        void message.success(t('service.form.created', { no: created.requestNo }));
        void navigate(`/service/${created.id}`);
      },
      onError: (error) => setUnmatched(applyFieldErrors(form, error, i18n.language)),
    });
  };

  return (
    <Flex vertical gap={16} data-testid="service-new-page">
      <Card>
        <Flex align="center" gap={8}>
          <Button type="text" icon={<ArrowLeftOutlined />} aria-label={t('service.detail.back')} onClick={() => void navigate('/service')} />
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('service.form.title')}
          </Typography.Title>
        </Flex>
        <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
          {t('service.form.subtitle')}
        </Typography.Paragraph>
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card>
            {callId ? <CallBanner callId={callId} /> : null}
            <DuplicateWarning duplicates={found} onAttach={attachTo} attachingId={attach.isPending ? (attach.variables?.id ?? null) : null} />
            {attach.error ? <MutationErrorAlert error={attach.error} /> : null}
            {categories.isError ? (
              <QueryError compact error={categories.error} onRetry={() => void categories.refetch()} />
            ) : (
              <Form<Values>
                form={form}
                layout="vertical"
                initialValues={{ channel: 'hotline', ...(callerPhone && PHONE.test(callerPhone) ? { contactPhone: callerPhone } : {}) }}
                onFinish={submit}
                onFinishFailed={() => void message.warning(t('common.formInvalid'))}
                style={{ maxWidth: 880 }}
              >
                <Row gutter={16}>
                  <Col xs={24} md={12}>
                    <Form.Item name="categoryId" label={t('service.form.category')} rules={[{ required: true, message: t('service.form.categoryRequired') }]} extra={category ? <LimitsHint category={category} /> : null}>
                      <Select
                        showSearch={{ optionFilterProp: 'label' }}
                        loading={categories.isPending}
                        options={grouped}
                        placeholder={t('service.form.categoryRequired')}
                        data-testid="service-category"
                        optionRender={(option) => {
                          const level = categories.data?.find((item) => item.id === option.value)?.alertLevel ?? 0;
                          return (
                            <span className="sv-category-option">
                              <span>{option.label}</span>
                              {level >= 3 ? <Tag color="volcano">{t('service.alert.level', { level })}</Tag> : null}
                            </span>
                          );
                        }}
                      />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={12}>
                    <Form.Item name="channel" label={t('service.form.channel')} rules={[{ required: true }]}>
                      <Radio.Group optionType="button" options={CHANNELS.map((value) => ({ value, label: t(`service.channel.${value}`) }))} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={12}>
                    <Form.Item name="accountId" label={t('service.form.account')} extra={chosenAccount ? chosenAccount.address : t('service.form.accountHelp')}>
                      <Select
                        allowClear
                        showSearch={{ filterOption: false, onSearch: setLookup }}
                        placeholder={t('service.form.accountPlaceholder')}
                        loading={search.isFetching}
                        data-testid="service-account"
                        notFoundContent={debounced.length >= MIN_SEARCH_LENGTH && !search.isFetching ? t('service.form.noAccountFound') : null}
                        options={accountOptions}
                        optionRender={(option) => (
                          <Space orientation="vertical" size={0}>
                            <Space size={6}>
                              <Typography.Text strong>{option.data.label}</Typography.Text>
                              <CustomerTags isImportant={option.data.result.isImportant} isSpecialCare={option.data.result.isSpecialCare} />
                            </Space>
                            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                              {option.data.address}
                              {option.data.result.phoneMasked ? ` · ${option.data.result.phoneMasked}` : ''}
                            </Typography.Text>
                          </Space>
                        )}
                        onChange={(value: string | undefined, option) => {
                          const picked = Array.isArray(option) ? undefined : option;
                          setChosen(value && picked ? { result: picked.result, accountId: value } : null);
                          if (picked && !form.getFieldValue('contactName')) form.setFieldValue('contactName', picked.result.name);
                          void form.validateFields(['address']).catch(() => undefined);
                        }}
                      />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={12}>
                    <Form.Item
                      name="address"
                      label={t('service.form.address')}
                      extra={t('service.form.addressHelp')}
                      dependencies={['accountId']}
                      rules={[
                        {
                          validator: (_, value: string | undefined) =>
                            form.getFieldValue('accountId') || (value && value.trim().length >= 2) ? Promise.resolve() : Promise.reject(new Error(t('service.form.addressRequired'))),
                        },
                      ]}
                    >
                      <Input placeholder={t('service.form.addressPlaceholder')} maxLength={200} />
                    </Form.Item>
                  </Col>
                  <Col span={24}>
                    <Form.Item name="description" label={t('service.form.description')} rules={[{ required: true, whitespace: true, message: t('service.form.descriptionRequired') }]}>
                      <Input.TextArea rows={4} maxLength={2000} showCount placeholder={t('service.form.descriptionPlaceholder')} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={12}>
                    <Form.Item name="contactName" label={t('service.form.contactName')}>
                      <Input maxLength={50} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={12}>
                    <Form.Item name="contactPhone" label={t('service.form.contactPhone')} rules={[{ pattern: PHONE, message: t('service.form.contactPhoneInvalid') }]}>
                      <Input inputMode="tel" maxLength={13} />
                    </Form.Item>
                  </Col>
                </Row>
                <FirstContactFields enabled={isDesk} />
                <MutationErrorAlert error={create.error} unmatched={unmatched} />
                <Flex justify="flex-end" gap={8}>
                  <Button onClick={() => void navigate('/service')}>{t('common.cancel')}</Button>
                  <Button type="primary" htmlType="submit" loading={create.isPending}>
                    {t('service.form.submit')}
                  </Button>
                </Flex>
              </Form>
            )}
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <KnowledgePanel seed={description.slice(0, 60)} quotedIds={quoted} onQuote={quote} />
        </Col>
      </Row>
    </Flex>
  );
}

/** The category's time limits, e.g. "时限：受理 30 分、派单 1 小时 0 分 … （自然时间）". */
function LimitsHint({ category }: { category: ServiceCategory }) {
  const { t } = useTranslation();
  const limits = LIMIT_ORDER.filter((limit) => category.limits[limit] !== undefined)
    .map((limit) => [limit, category.limits[limit] ?? 0] as const)
    .map(([limit, minutes]) => `${t(`service.limit.${limit}`, { defaultValue: limit })} ${formatSpan(t, minutes * 60_000)}`)
    .join('、');
  return (
    <span data-testid="service-limits">
      {t('service.form.limits', { limits })}（{t(`service.form.limitsBasis.${category.timeBasis}`)}）
    </span>
  );
}
