import { Empty, Segmented, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Account } from '../../api/types';
import { CollectionFile } from '../collection/CollectionFile';

/** 催缴: the collection file of one of the customer's accounts (notes, notices, disputes, orders). */
export function CollectionTab({ accounts }: { accounts: Account[] }) {
  const { t } = useTranslation();
  const [accountId, setAccountId] = useState<string | undefined>(() => (accounts.find((account) => account.status !== 'closed') ?? accounts[0])?.id);
  if (!accountId) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('account.empty')} />;
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="collection-tab">
      {accounts.length > 1 ? (
        <Segmented value={accountId} onChange={(value) => setAccountId(String(value))} options={accounts.map((account) => ({ value: account.id, label: account.accountNo }))} />
      ) : (
        <Typography.Text>
          {t('bills.chooseAccount')} <Typography.Text strong className="sw-code">{accounts[0]?.accountNo}</Typography.Text>
        </Typography.Text>
      )}
      <CollectionFile key={accountId} accountId={accountId} wide />
    </Space>
  );
}
