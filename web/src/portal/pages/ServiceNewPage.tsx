/** 报修 / 投诉: what is wrong (category chips), which bound account or address, a description; the phone is the contact. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Form, Input, Selector, TextArea, Toast } from 'antd-mobile';
import { useState, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ApiError } from '../../api/client';
import type { PortalNewServiceRequest, ServiceCategory } from '../../api/types';
import { fetchAccounts, queryKeys } from '../api';
import { Page } from '../components/Page';
import { ErrorState, errorText, PageLoading } from '../components/states';
import { useSession } from '../session';
import { createServiceRequest, fetchServiceCategories, serviceQueryKeys } from './ServiceApi';
import { serviceText } from './ServiceMessages';
import { fill } from './PayMessages';
import './Service.css';

const NO_ACCOUNT = 'none';

interface Values {
  categoryId: string[];
  accountId: string[];
  address: string;
  description: string;
  contactName: string;
}

export function ServiceNewPage(): ReactElement {
  const { i18n } = useTranslation();
  const text = serviceText(i18n.language);
  const categories = useQuery({ queryKey: serviceQueryKeys.categories, queryFn: fetchServiceCategories, staleTime: 10 * 60_000 });
  const accounts = useQuery({ queryKey: queryKeys.accounts, queryFn: fetchAccounts });
  let body: ReactElement;
  if (categories.isPending || accounts.isPending) body = <PageLoading />;
  else if (categories.isError) body = <ErrorState error={categories.error} onRetry={() => void categories.refetch()} />;
  else if (accounts.isError) body = <ErrorState error={accounts.error} onRetry={() => void accounts.refetch()} />;
  else
    body = (
      <ServiceForm
        categories={categories.data.filter((category) => category.isActive)}
        accounts={accounts.data.map((account) => ({ id: account.id, label: account.accountNo, address: account.fullAddress }))}
      />
    );
  return (
    <Page title={text.newTitle} back testId="service-new-page">
      {body}
    </Page>
  );
}

function ServiceForm({ categories, accounts }: { categories: ServiceCategory[]; accounts: { id: string; label: string; address: string }[] }): ReactElement {
  const { i18n } = useTranslation();
  const text = serviceText(i18n.language);
  const english = i18n.language.startsWith('en');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const session = useSession();
  const hotline = session.data?.tenant.hotline;
  const [form] = Form.useForm<Values>();
  const [problem, setProblem] = useState<string | null>(null);
  const accountChoice = Form.useWatch('accountId', form);
  const hasAccount = Boolean(accountChoice?.[0] && accountChoice[0] !== NO_ACCOUNT);
  const chosenAccount = accounts.find((account) => account.id === accountChoice?.[0]);

  const create = useMutation({
    mutationFn: createServiceRequest,
    onSuccess: (created) => {
      queryClient.setQueryData(serviceQueryKeys.detail(created.id), created);
      void queryClient.invalidateQueries({ queryKey: serviceQueryKeys.list });
      Toast.show({ icon: 'success', content: text.submitted });
      void navigate(`/service/${encodeURIComponent(created.id)}`, { replace: true });
    },
    onError: (error) => {
      setProblem(errorText(error, i18n.language) ?? text.failed);
      if (error instanceof ApiError) {
        const fields = error.fieldMessages(i18n.language);
        const known = (['categoryId', 'accountId', 'address', 'description', 'contactName'] as const).filter((name) => fields[name]);
        form.setFields(known.map((name) => ({ name, errors: [fields[name] ?? ''] })));
      }
    },
  });

  const option = (category: ServiceCategory) => ({ label: english ? category.nameEn : category.name, value: category.id });
  const repairs = categories.filter((category) => category.kind === 'repair').map(option);
  const others = categories.filter((category) => category.kind !== 'repair').map(option);

  return (
    <div className="portal-content">
      {hotline && <p className="portal-notice portal-notice-info sv-urgent">{fill(text.urgentTip, { hotline })}</p>}
      <Form
        name="service"
        form={form}
        layout="vertical"
        mode="card"
        initialValues={{ categoryId: [], accountId: [accounts[0]?.id ?? NO_ACCOUNT], address: '', description: '', contactName: '' }}
        onValuesChange={() => setProblem(null)}
        onFinish={(values: Values) => {
          setProblem(null);
          const body: PortalNewServiceRequest = { categoryId: values.categoryId[0] ?? '', description: values.description.trim() };
          const accountId = values.accountId[0];
          if (accountId && accountId !== NO_ACCOUNT) body.accountId = accountId;
          if (values.address.trim()) body.address = values.address.trim();
          if (values.contactName.trim()) body.contactName = values.contactName.trim();
          create.mutate(body);
        }}
        footer={
          <>
            {problem && (
              <p className="portal-notice portal-notice-error" role="alert" data-testid="service-error">
                {problem}
              </p>
            )}
            <p className="portal-hint">{text.contactHint}</p>
            <Button block type="submit" color="primary" size="large" loading={create.isPending} data-testid="service-submit">
              {text.submit}
            </Button>
          </>
        }
      >
        <Form.Item
          name="categoryId"
          label={text.category}
          rules={[{ required: true, type: 'array', min: 1, message: text.categoryRequired }]}
        >
          <CategoryChips repairs={repairs} others={others} repairsTitle={text.kindRepair} othersTitle={text.kindOther} />
        </Form.Item>
        {accounts.length > 0 && (
          <Form.Item name="accountId" label={text.account} description={chosenAccount?.address}>
            <Selector
              className="sv-chips"
              columns={2}
              showCheckMark={false}
              options={[...accounts.map((account) => ({ label: account.label, value: account.id })), { label: text.noAccount, value: NO_ACCOUNT }]}
              onChange={(values) => {
                // A Selector can be emptied by tapping the chosen chip again: keep one choice.
                if (values.length === 0) form.setFieldValue('accountId', [NO_ACCOUNT]);
              }}
            />
          </Form.Item>
        )}
        <Form.Item
          name="address"
          label={text.address}
          description={hasAccount ? text.addressHint : undefined}
          dependencies={['accountId']}
          rules={[
            {
              validator: (_, value: string | undefined) =>
                hasAccount || (value ?? '').trim().length >= 2 ? Promise.resolve() : Promise.reject(new Error(text.addressRequired)),
            },
          ]}
        >
          <Input placeholder={text.addressPlaceholder} maxLength={200} clearable />
        </Form.Item>
        <Form.Item name="description" label={text.description} rules={[{ required: true, whitespace: true, message: text.descriptionRequired }]}>
          <TextArea placeholder={text.descriptionPlaceholder} rows={4} maxLength={2000} showCount autoSize={{ minRows: 3, maxRows: 8 }} />
        </Form.Item>
        <Form.Item name="contactName" label={text.contactName}>
          <Input placeholder={text.contactNamePlaceholder} maxLength={50} autoComplete="name" clearable />
        </Form.Item>
      </Form>
    </div>
  );
}

/** The categories as chips, repairs first: one choice across both groups. */
function CategoryChips({
  value = [],
  onChange,
  repairs,
  others,
  repairsTitle,
  othersTitle,
}: {
  value?: string[];
  onChange?: (value: string[]) => void;
  repairs: { label: string; value: string }[];
  others: { label: string; value: string }[];
  repairsTitle: string;
  othersTitle: string;
}): ReactElement {
  const group = (title: string, options: { label: string; value: string }[]) =>
    options.length > 0 && (
      <div className="sv-chip-group">
        <div className="portal-label">{title}</div>
        <Selector
          className="sv-chips"
          columns={3}
          showCheckMark={false}
          options={options}
          value={value.filter((item) => options.some((option) => option.value === item))}
          onChange={(values) => onChange?.(values.slice(-1))}
        />
      </div>
    );
  return (
    <div data-testid="service-categories">
      {group(repairsTitle, repairs)}
      {group(othersTitle, others)}
    </div>
  );
}
