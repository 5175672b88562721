/** 报修 / 投诉: what is wrong (category chips), which bound account or address, a description; the phone is the contact. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Dialog, Form, Input, Selector, TextArea, Toast } from 'antd-mobile';
import { useEffect, useState, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ApiError } from '../../api/client';
import type { PortalNewServiceRequest, PortalServiceDuplicate, ServiceCategory } from '../../api/types';
import { fetchAccounts, queryKeys } from '../api';
import { Page } from '../components/Page';
import { ErrorState, errorText, PageLoading } from '../components/states';
import { useSession } from '../session';
import { createServiceRequest, fetchServiceCategories, serviceQueryKeys } from './ServiceApi';
import { fetchDuplicates, joinRequest } from './ServiceDeskApi';
import { deskText } from './ServiceDeskMessages';
import { askAboutDuplicates } from './ServiceDuplicateDialog';
import { serviceText } from './ServiceMessages';
import { fill } from './PayMessages';
import { ServiceLocation, type Position } from './ServiceLocation';
import { useServiceMediaText } from './ServiceMediaMessages';
import { ServicePhotoPicker, type PickedPhoto } from './ServicePhotoPicker';
import { MAX_REPORT_PHOTOS, uploadPhotos } from './ServicePhotos';
import './Service.css';

const NO_ACCOUNT = 'none';

interface Values {
  categoryId: string[];
  accountId?: string[];
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
  // Photos are sent after the request is created, one by one with their progress; the position goes with it.
  const media = useServiceMediaText();
  const [photos, setPhotos] = useState<PickedPhoto[]>([]);
  const [position, setPosition] = useState<Position | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [photoProblem, setPhotoProblem] = useState<string | null>(null);
  const updatePhoto = (key: string, change: Partial<PickedPhoto>) => setPhotos((list) => list.map((photo) => (photo.key === key ? { ...photo, ...change } : photo)));
  const sendPhotos = async (requestId: string, list: PickedPhoto[]) => {
    setPhotoProblem(null);
    const { failed, problem } = await uploadPhotos(requestId, list, updatePhoto);
    if (failed.length === 0) return finish(requestId);
    setPhotoProblem(`${fill(media.text.photosFailed, { count: failed.length })}${problem instanceof ApiError ? `：${problem.messageIn(i18n.language)}` : ''}`);
  };
  const finish = (requestId: string) => {
    for (const photo of photos) if (photo.prepared.previewUrl) URL.revokeObjectURL(photo.prepared.previewUrl);
    void queryClient.invalidateQueries({ queryKey: serviceQueryKeys.detail(requestId) });
    Toast.show({ icon: 'success', content: text.submitted });
    void navigate(`/service/${encodeURIComponent(requestId)}`, { replace: true });
  };
  const uploading = photos.some((photo) => photo.status === 'uploading');
  // A position found (or dropped) changes whether the address is needed: check it again once the rule has it.
  useEffect(() => {
    if (form.isFieldTouched('address') || form.getFieldError('address').length > 0) void form.validateFields(['address']).catch(() => undefined);
  }, [form, position]);

  const desk = deskText(i18n.language);
  const [checking, setChecking] = useState(false);
  const create = useMutation({
    mutationFn: createServiceRequest,
    onSuccess: (request) => {
      queryClient.setQueryData(serviceQueryKeys.detail(request.id), request);
      void queryClient.invalidateQueries({ queryKey: serviceQueryKeys.list });
      if (photos.length === 0) return finish(request.id);
      setCreated(request.id);
      void sendPhotos(request.id, photos);
    },
    onError: (error, body) => {
      // Reported meanwhile by someone else (the check before sending found nothing): the same choice, in the server's words.
      if (error instanceof ApiError && error.body.code === 'possible_duplicate' && !body.confirmNotDuplicate) {
        void Dialog.confirm({ title: desk.duplicateTitle, content: error.messageIn(i18n.language), confirmText: desk.duplicateAnyway, cancelText: desk.duplicateCancel, onConfirm: () => create.mutate({ ...body, confirmNotDuplicate: true }) });
        return;
      }
      setProblem(errorText(error, i18n.language) ?? text.failed);
      if (error instanceof ApiError) {
        const fields = error.fieldMessages(i18n.language);
        const known = (['categoryId', 'accountId', 'address', 'description', 'contactName'] as const).filter((name) => fields[name]);
        form.setFields(known.map((name) => ({ name, errors: [fields[name] ?? ''] })));
      }
    },
  });

  /** Asks first whether the same problem at this place was reported within a day, and lets the customer choose. */
  const submitChecked = async (body: PortalNewServiceRequest) => {
    setChecking(true);
    let found: PortalServiceDuplicate[] = [];
    try {
      found = await fetchDuplicates({ categoryId: body.categoryId, ...(body.accountId ? { accountId: body.accountId } : {}), ...(body.address && !body.accountId ? { address: body.address } : {}) });
    } catch {
      // The check is a courtesy: the server checks again when the report is sent.
    } finally {
      setChecking(false);
    }
    if (found.length === 0) return create.mutate(body);
    const choice = await askAboutDuplicates(found, desk, i18n.language);
    if (choice.kind === 'anyway') create.mutate({ ...body, confirmNotDuplicate: true });
    else if (choice.kind === 'view') void navigate(`/service/${encodeURIComponent(choice.requestId)}`);
    else if (choice.kind === 'join') {
      try {
        await joinRequest(choice.requestId, body.description.slice(0, 500));
        Toast.show({ icon: 'success', content: desk.duplicateJoined });
        void navigate('/service', { replace: true });
      } catch (error) {
        setProblem(errorText(error, i18n.language) ?? text.failed);
      }
    }
  };

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
          // Without a bound account the account chips are not shown, and the form has no accountId.
          const accountId = values.accountId?.[0];
          if (accountId && accountId !== NO_ACCOUNT) body.accountId = accountId;
          if (values.address.trim()) body.address = values.address.trim();
          if (values.contactName.trim()) body.contactName = values.contactName.trim();
          if (position) {
            body.latitude = position.latitude;
            body.longitude = position.longitude;
          }
          if (created) return void sendPhotos(created, photos);
          void submitChecked(body);
        }}
        footer={
          <>
            {problem && (
              <p className="portal-notice portal-notice-error" role="alert" data-testid="service-error">
                {problem}
              </p>
            )}
            {photoProblem && created && (
              <div className="portal-notice portal-notice-error sv-photo-problem" role="alert" data-testid="service-photo-problem">
                <span>{photoProblem}</span>
                <Button size="small" fill="none" color="primary" onClick={() => finish(created)} data-testid="service-photo-skip">
                  {media.text.skipPhotos}
                </Button>
              </div>
            )}
            <p className="portal-hint">{text.contactHint}</p>
            <Button
              block
              type="submit"
              color="primary"
              size="large"
              loading={create.isPending || uploading || checking}
              loadingText={uploading ? fill(media.text.submittingPhotos, { done: photos.filter((photo) => photo.status === 'done').length, total: photos.length }) : undefined}
              data-testid="service-submit"
            >
              {created ? media.text.retryPhotos : text.submit}
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
                hasAccount || position || (value ?? '').trim().length >= 2 ? Promise.resolve() : Promise.reject(new Error(position === null ? media.text.addressOrLocation : text.addressRequired)),
            },
          ]}
        >
          <Input placeholder={text.addressPlaceholder} maxLength={200} clearable />
        </Form.Item>
        <Form.Item label={media.text.location}>
          <ServiceLocation value={position} onChange={setPosition} />
        </Form.Item>
        <Form.Item name="description" label={text.description} rules={[{ required: true, whitespace: true, message: text.descriptionRequired }]}>
          <TextArea placeholder={text.descriptionPlaceholder} rows={4} maxLength={2000} showCount autoSize={{ minRows: 3, maxRows: 8 }} />
        </Form.Item>
        <Form.Item label={media.text.photos} description={fill(media.text.photosHint, { max: MAX_REPORT_PHOTOS })}>
          <ServicePhotoPicker value={photos} onChange={setPhotos} max={MAX_REPORT_PHOTOS} disabled={create.isPending || uploading || created !== null} />
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
