import { PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Flex, Input, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import type { SearchResult } from '../../api/types';
import { CustomerFormDrawer } from '../components/CustomerFormDrawer';
import { CustomerTags } from '../components/CustomerTags';
import { QueryError } from '../components/QueryError';
import { AccountStatusTag } from '../components/StatusTags';
import { MIN_SEARCH_LENGTH, useCustomerSearch } from '../hooks/customers';
import { useDebouncedValue } from '../hooks/useDebouncedValue';
import { useSession } from '../session/session';

const DEBOUNCE_MS = 250;

/** The home page: one search box over account no., name, phone, ID number and address. */
export function CustomerSearchPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(() => params.get('q') ?? '');
  const [creating, setCreating] = useState(false);
  const debounced = useDebouncedValue(text.trim(), DEBOUNCE_MS);
  const search = useCustomerSearch(debounced);
  const [active, setActive] = useState({ q: '', index: 0 });

  // Keep the query in the address so that "back" from a customer returns to the same results.
  useEffect(() => {
    setParams(debounced ? { q: debounced } : {}, { replace: true });
  }, [debounced, setParams]);

  const tooShort = debounced.length < MIN_SEARCH_LENGTH;
  const results = tooShort ? [] : (search.data?.results ?? []);
  const activeIndex = active.q === debounced ? Math.min(active.index, Math.max(results.length - 1, 0)) : 0;

  // Keep the row chosen with the arrow keys in view.
  useEffect(() => {
    document.querySelector('.sw-search-row-active')?.scrollIntoView({ block: 'nearest' });
  }, [activeIndex]);

  const open = (result: SearchResult | undefined) => {
    if (result) void navigate(`/customers/${result.customerId}`);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (!results.length) return;
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive({ q: debounced, index: (activeIndex + step + results.length) % results.length });
    } else if (event.key === 'Enter' && !event.nativeEvent.isComposing) {
      open(results[activeIndex]);
    }
  };

  const columns: TableColumnsType<SearchResult> = [
    {
      key: 'name',
      title: t('search.columns.name'),
      width: '30%',
      render: (_, row) => (
        <Space orientation="vertical" size={2}>
          <Space size={6} wrap>
            <Typography.Link strong onClick={() => open(row)}>
              {row.name}
            </Typography.Link>
            <CustomerTags isImportant={row.isImportant} isSpecialCare={row.isSpecialCare} />
          </Space>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {row.customerNo} · {t(`customer.kind.${row.kind}`)}
          </Typography.Text>
        </Space>
      ),
    },
    {
      key: 'phone',
      title: t('search.columns.phone'),
      width: 140,
      render: (_, row) => <span className="sw-code">{row.phoneMasked ?? '—'}</span>,
    },
    {
      key: 'accounts',
      title: t('search.columns.accounts'),
      render: (_, row) =>
        row.accounts.length === 0 ? (
          <Typography.Text type="secondary">{t('search.noAccounts')}</Typography.Text>
        ) : (
          <Space orientation="vertical" size={2}>
            {row.accounts.map((account) => (
              <span key={account.id}>
                <Typography.Text className="sw-code" strong>
                  {account.accountNo}
                </Typography.Text>{' '}
                <Typography.Text>{account.address}</Typography.Text>{' '}
                {account.status === 'active' ? null : <AccountStatusTag status={account.status} />}
              </span>
            ))}
          </Space>
        ),
    },
    {
      key: 'matchedOn',
      title: t('search.columns.matchedOn'),
      width: 120,
      render: (_, row) => <Tag color="cyan">{t(`search.matchedOn.${row.matchedOn}`)}</Tag>,
    },
  ];

  let body;
  if (tooShort) {
    body = <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('search.idle')} />;
  } else if (search.isError && !search.data) {
    body = <QueryError compact error={search.error} onRetry={() => void search.refetch()} />;
  } else {
    body = (
      <>
        <Flex justify="space-between" style={{ marginBottom: 12, minHeight: 22 }}>
          <Typography.Text type="secondary" data-testid="search-took">
            {search.data ? t('search.took', { count: search.data.results.length, ms: search.data.tookMs }) : ''}
          </Typography.Text>
        </Flex>
        {search.isError ? (
          <div style={{ marginBottom: 12 }}>
            <QueryError compact error={search.error} onRetry={() => void search.refetch()} />
          </div>
        ) : null}
        <Table<SearchResult>
          rowKey="customerId"
          columns={columns}
          dataSource={results}
          loading={search.isFetching}
          pagination={false}
          size="middle"
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('search.empty')} /> }}
          rowClassName={(_, index) => (index === activeIndex ? 'sw-search-row sw-search-row-active' : 'sw-search-row')}
          onRow={(row) => ({ onClick: () => open(row) })}
        />
      </>
    );
  }

  return (
    <Card>
      <Flex justify="space-between" align="center" style={{ marginBottom: 16 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('search.title')}
        </Typography.Title>
        {can('customer.write') ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('search.newCustomer')}
          </Button>
        ) : null}
      </Flex>
      <Input
        size="large"
        allowClear
        autoFocus
        prefix={<SearchOutlined style={{ color: '#8c99a8' }} />}
        placeholder={t('search.placeholder')}
        aria-label={t('search.placeholder')}
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={onKeyDown}
        style={{ fontSize: 18 }}
      />
      <Typography.Paragraph type="secondary" style={{ margin: '8px 0 20px', fontSize: 12 }}>
        {t('search.hint')}
      </Typography.Paragraph>
      {body}
      <CustomerFormDrawer
        open={creating}
        onClose={() => setCreating(false)}
        onSaved={(customer) => {
          setCreating(false);
          void navigate(`/customers/${customer.id}`);
        }}
      />
    </Card>
  );
}
