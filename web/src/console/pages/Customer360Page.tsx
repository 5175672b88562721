import { ArrowLeftOutlined, FileAddOutlined } from '@ant-design/icons';
import { Badge, Button, Card, Flex, Result, Skeleton, Space, Tabs } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import type { Account, Contact, Meter } from '../../api/types';
import { CustomerFormDrawer } from '../components/CustomerFormDrawer';
import { QueryError } from '../components/QueryError';
import { AccountFormModal } from '../customer360/AccountFormModal';
import { AccountsTab } from '../customer360/AccountsTab';
import { BillsTab } from '../customer360/BillsTab';
import { CollectionTab } from '../customer360/CollectionTab';
import { ContactFormModal } from '../customer360/ContactFormModal';
import { ContactsTab } from '../customer360/ContactsTab';
import { CustomerHeaderCard } from '../customer360/CustomerHeaderCard';
import { HistoryTab } from '../customer360/HistoryTab';
import { MeterFormModal } from '../customer360/MeterFormModal';
import { MetersTab } from '../customer360/MetersTab';
import { PremiseFormModal } from '../customer360/PremiseFormModal';
import { PremisesTab } from '../customer360/PremisesTab';
import { PaymentsTab } from '../payments/PaymentsTab';
import { useCustomer360 } from '../hooks/customers';
import { useSession } from '../session/session';
import { isStatus } from '../utils/errors';

const NEW = 'new';
const TABS = ['accounts', 'bills', 'payments', 'collection', 'premises', 'meters', 'contacts', 'history'] as const;
type TabKey = (typeof TABS)[number];

function isTab(value: string | null): value is TabKey {
  return (TABS as readonly (string | null)[]).includes(value);
}

/** Everything about one customer on one page: identity, accounts, premises, meters, contacts, history. */
export function Customer360Page() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const { can } = useSession();
  const queryClient = useQueryClient();
  const query = useCustomer360(id);
  const [params, setParams] = useSearchParams();
  const tabParam = params.get('tab');
  const tab: TabKey =
    isTab(tabParam) && (tabParam !== 'bills' || can('bill.read')) && (tabParam !== 'payments' || can('payment.read')) && (tabParam !== 'collection' || can('collection.work')) ? tabParam : 'accounts';

  const [editingCustomer, setEditingCustomer] = useState(false);
  // Open forms remember ids, not records, so that a reload after a 409 hands them the latest version.
  const [premiseId, setPremiseId] = useState<string | null>(null);
  const [accountId, setAccountId] = useState<string | undefined>(undefined);
  const [meterId, setMeterId] = useState<string | undefined>(undefined);
  const [editingContact, setEditingContact] = useState<Contact | null | undefined>(undefined);

  const reload = () => void queryClient.invalidateQueries({ queryKey: ['customers', 'detail', id] });
  const back = (
    <Button
      type="link"
      icon={<ArrowLeftOutlined />}
      style={{ paddingInline: 0 }}
      onClick={() => void (location.key === 'default' ? navigate('/') : navigate(-1))}
    >
      {t('customer.backToSearch')}
    </Button>
  );

  if (query.isPending) {
    return (
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        {back}
        <Card>
          <Skeleton active paragraph={{ rows: 4 }} />
        </Card>
        <Card>
          <Skeleton active paragraph={{ rows: 6 }} />
        </Card>
      </Space>
    );
  }
  if (query.isError) {
    if (isStatus(query.error, 404) || isStatus(query.error, 400)) {
      return (
        <Result
          status="404"
          title="404"
          subTitle={t('customer.notFound')}
          extra={
            <Button type="primary" onClick={() => void navigate('/')}>
              {t('customer.backToSearch')}
            </Button>
          }
        />
      );
    }
    return <QueryError title={t('customer.loadFailedTitle')} error={query.error} onRetry={() => void query.refetch()} />;
  }

  const { customer, accounts, premises, meters, contacts, history } = query.data;
  const editingPremise = premises.find((premise) => premise.id === premiseId) ?? null;
  const editingAccount: Account | null | undefined =
    accountId === NEW ? null : accounts.find((account) => account.id === accountId);
  const editingMeter: Meter | null | undefined = meterId === NEW ? null : meters.find((meter) => meter.id === meterId);
  const count = (label: string, n: number) => (
    <Space size={6}>
      {label}
      <Badge count={n} showZero color={n ? '#0b6bcb' : '#bfc8d3'} size="small" />
    </Space>
  );

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        {back}
        {can('application.create') && (
          <Button icon={<FileAddOutlined />} onClick={() => void navigate(`/applications/new?customerId=${encodeURIComponent(customer.id)}`)} data-testid="customer-apply">
            {t('applications.customer360.apply')}
          </Button>
        )}
      </Flex>
      <CustomerHeaderCard customer={customer} onEdit={() => setEditingCustomer(true)} />
      <Card styles={{ body: { paddingTop: 4 } }}>
        <Tabs
          activeKey={tab}
          onChange={(key) => setParams(key === 'accounts' ? {} : { tab: key }, { replace: true })}
          items={[
            {
              key: 'accounts',
              label: count(t('tabs.accounts'), accounts.length),
              children: (
                <AccountsTab
                  accounts={accounts}
                  canWrite={can('account.write')}
                  onAdd={() => setAccountId(NEW)}
                  onEdit={(account) => setAccountId(account.id)}
                />
              ),
            },
            ...(can('bill.read') ? [{ key: 'bills', label: t('bills.tab'), children: <BillsTab key={customer.id} accounts={accounts} /> }] : []),
            ...(can('payment.read') ? [{ key: 'payments', label: t('payments.tab'), children: <PaymentsTab key={customer.id} accounts={accounts} /> }] : []),
            ...(can('collection.work') ? [{ key: 'collection', label: t('collection.tab'), children: <CollectionTab key={customer.id} accounts={accounts} /> }] : []),
            {
              key: 'premises',
              label: count(t('tabs.premises'), premises.length),
              children: (
                <PremisesTab premises={premises} accounts={accounts} canWrite={can('premise.write')} onEdit={(premise) => setPremiseId(premise.id)} />
              ),
            },
            {
              key: 'meters',
              label: count(t('tabs.meters'), meters.length),
              children: (
                <MetersTab
                  meters={meters}
                  premises={premises}
                  canWrite={can('meter.write')}
                  onAdd={() => setMeterId(NEW)}
                  onEdit={(meter) => setMeterId(meter.id)}
                />
              ),
            },
            {
              key: 'contacts',
              label: count(t('tabs.contacts'), contacts.length),
              children: (
                <ContactsTab
                  contacts={contacts}
                  canWrite={can('customer.write')}
                  onAdd={() => setEditingContact(null)}
                  onEdit={setEditingContact}
                />
              ),
            },
            { key: 'history', label: t('tabs.history'), children: <HistoryTab history={history} /> },
          ]}
        />
      </Card>

      <CustomerFormDrawer
        open={editingCustomer}
        customer={customer}
        onClose={() => setEditingCustomer(false)}
        onSaved={() => setEditingCustomer(false)}
        onReload={reload}
      />
      <PremiseFormModal premise={editingPremise} onClose={() => setPremiseId(null)} onReload={reload} />
      <AccountFormModal
        customerId={customer.id}
        premises={premises}
        account={editingAccount}
        onClose={() => setAccountId(undefined)}
        onReload={reload}
      />
      <MeterFormModal premises={premises} meter={editingMeter} onClose={() => setMeterId(undefined)} onReload={reload} />
      <ContactFormModal customerId={customer.id} contact={editingContact} onClose={() => setEditingContact(undefined)} />
    </Space>
  );
}
