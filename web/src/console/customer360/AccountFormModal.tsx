import { App, Col, DatePicker, Form, InputNumber, Modal, Radio, Row, Select, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Account, AccountCategory, AccountStatus, BuildingType, Premise } from '../../api/types';
import { FormFooter } from '../components/FormFooter';
import { useCreateAccount, useCreatePremise, useServiceHalls, useUpdateAccount } from '../hooks/customers';
import { applyFieldErrors, isStaleVersion } from '../utils/errors';
import { toIsoDate } from '../utils/format';
import { PremiseFields } from './PremiseFields';

const CATEGORIES: AccountCategory[] = ['residential', 'non_residential', 'special'];
const STATUSES: AccountStatus[] = ['active', 'suspended', 'closed'];

interface Values {
  premiseMode: 'existing' | 'new';
  premiseId?: string;
  premise?: { district?: string; street?: string; address?: string; buildingType?: BuildingType };
  category: AccountCategory;
  status?: AccountStatus;
  householdSize: number;
  openedOn?: Dayjs | null;
  serviceHallId?: string | null;
}

interface Props {
  customerId: string;
  premises: Premise[];
  /** undefined: closed; null: open a new account; an account: edit it. */
  account: Account | null | undefined;
  onClose: () => void;
  onReload: () => void;
}

export function AccountFormModal({ customerId, premises, account, onClose, onReload }: Props) {
  const { t } = useTranslation();
  return (
    <Modal
      open={account !== undefined}
      title={account ? t('account.editTitle') : t('account.createTitle')}
      footer={null}
      onCancel={onClose}
      destroyOnHidden
      width={640}
    >
      {account !== undefined ? (
        <AccountForm
          key={account?.version ?? 'new'}
          customerId={customerId}
          premises={premises}
          account={account}
          onClose={onClose}
          onReload={onReload}
        />
      ) : null}
    </Modal>
  );
}

function AccountForm({ customerId, premises, account, onClose, onReload }: Omit<Props, 'account'> & { account: Account | null }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const halls = useServiceHalls();
  const createPremise = useCreatePremise();
  const createAccount = useCreateAccount();
  const updateAccount = useUpdateAccount();
  const [unmatched, setUnmatched] = useState<string[]>([]);
  // A premise registered by an earlier attempt whose account then failed: reused, not registered twice.
  const [registered, setRegistered] = useState<Premise | null>(null);
  const premiseMode = Form.useWatch('premiseMode', form);
  const saving = createPremise.isPending || createAccount.isPending || updateAccount.isPending;
  const error = createPremise.error ?? (account ? updateAccount.error : createAccount.error);

  const onSaved = () => {
    void message.success(account ? t('common.saved') : t('common.created'));
    onClose();
  };

  const submit = async (values: Values) => {
    setUnmatched([]);
    createPremise.reset();
    if (account) {
      updateAccount.mutate(
        {
          id: account.id,
          body: {
            version: account.version,
            category: values.category,
            status: values.status,
            householdSize: values.householdSize,
            serviceHallId: values.serviceHallId ?? null,
          },
        },
        {
          onSuccess: onSaved,
          onError: (e) => {
            if (!isStaleVersion(e)) setUnmatched(applyFieldErrors(form, e, i18n.language));
          },
        },
      );
      return;
    }
    let premiseId = values.premiseId;
    if (values.premiseMode === 'new' && values.premise) {
      if (registered) {
        premiseId = registered.id;
      } else {
        try {
          const created = await createPremise.mutateAsync({
            district: values.premise.district ?? '',
            street: values.premise.street ?? '',
            address: values.premise.address?.trim() ?? '',
            buildingType: values.premise.buildingType,
          });
          setRegistered(created);
          premiseId = created.id;
        } catch (e) {
          setUnmatched(applyFieldErrors(form, e, i18n.language, (field) => ['premise', ...field.split('.')]));
          return;
        }
      }
    }
    if (!premiseId) return;
    createAccount.mutate(
      {
        customerId,
        premiseId,
        category: values.category,
        householdSize: values.householdSize,
        openedOn: toIsoDate(values.openedOn) ?? undefined,
        serviceHallId: values.serviceHallId ?? null,
      },
      {
        onSuccess: onSaved,
        onError: (e) => setUnmatched(applyFieldErrors(form, e, i18n.language)),
      },
    );
  };

  const initialValues: Partial<Values> = account
    ? {
        category: account.category,
        status: account.status,
        householdSize: account.householdSize,
        serviceHallId: account.serviceHallId,
      }
    : {
        premiseMode: premises.length ? 'existing' : 'new',
        premiseId: premises.length === 1 ? premises[0]?.id : undefined,
        premise: { buildingType: 'residential' },
        category: 'residential',
        householdSize: 3,
        openedOn: dayjs(),
      };

  return (
    <Form<Values> form={form} layout="vertical" onFinish={(values) => void submit(values)} initialValues={initialValues}>
      {account ? (
        <Typography.Paragraph>
          <Typography.Text className="sw-code" strong>
            {account.accountNo}
          </Typography.Text>{' '}
          {account.fullAddress}
        </Typography.Paragraph>
      ) : (
        <>
          <Form.Item name="premiseMode" label={t('account.fields.premise')}>
            <Radio.Group
              optionType="button"
              options={[
                { value: 'existing', label: t('account.premiseMode.existing'), disabled: premises.length === 0 },
                { value: 'new', label: t('account.premiseMode.new') },
              ]}
            />
          </Form.Item>
          {premiseMode === 'existing' ? (
            <Form.Item name="premiseId" rules={[{ required: true, message: t('account.premiseRequired') }]}>
              <Select
                placeholder={t('account.premiseRequired')}
                options={premises.map((premise) => ({ value: premise.id, label: premise.fullAddress }))}
              />
            </Form.Item>
          ) : (
            <>
              {premises.length === 0 ? (
                <Typography.Paragraph type="secondary">{t('account.noPremises')}</Typography.Paragraph>
              ) : null}
              {registered ? (
                <Typography.Paragraph type="success">{registered.fullAddress}</Typography.Paragraph>
              ) : (
                <PremiseFields prefix={['premise']} />
              )}
            </>
          )}
        </>
      )}
      <Row gutter={12}>
        <Col span={12}>
          <Form.Item name="category" label={t('account.fields.category')} rules={[{ required: true, message: t('account.categoryRequired') }]}>
            <Select options={CATEGORIES.map((value) => ({ value, label: t(`account.category.${value}`) }))} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item
            name="householdSize"
            label={t('account.fields.householdSize')}
            tooltip={t('account.householdHint')}
            rules={[{ required: true }]}
          >
            <InputNumber min={1} max={99} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={12}>
        <Col span={12}>
          {account ? (
            <Form.Item name="status" label={t('account.fields.status')}>
              <Select options={STATUSES.map((value) => ({ value, label: t(`account.status.${value}`) }))} />
            </Form.Item>
          ) : (
            <Form.Item name="openedOn" label={t('account.fields.openedOn')}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          )}
        </Col>
        <Col span={12}>
          <Form.Item name="serviceHallId" label={t('account.fields.serviceHall')}>
            <Select
              allowClear
              loading={halls.isPending}
              options={(halls.data ?? []).map((hall) => ({ value: hall.id, label: hall.name }))}
            />
          </Form.Item>
        </Col>
      </Row>
      <FormFooter error={error} unmatched={unmatched} saving={saving} onCancel={onClose} onReload={onReload} />
    </Form>
  );
}
