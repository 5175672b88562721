/** One bound account as a card on the home page, and the pieces the detail page reuses. */
import { Tag } from 'antd-mobile';
import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { AccountStatus, PortalAccount } from '../../api/types';
import { MeterIcon, PinIcon } from '../icons';

const STATUS_COLOR: Record<AccountStatus, 'success' | 'warning' | 'default'> = {
  active: 'success',
  suspended: 'warning',
  closed: 'default',
};

export function StatusTag({ status }: { status: AccountStatus }): ReactElement {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOR[status]} fill="outline" className="portal-tag">
      {t(`account.statuses.${status}`)}
    </Tag>
  );
}

export function MeterLine({ meter }: { meter: PortalAccount['meters'][number] }): ReactElement {
  const { t } = useTranslation();
  return (
    <div className="portal-meter">
      <MeterIcon className="portal-meter-icon" />
      <span className="portal-meter-serial">{meter.serialNo}</span>
      <span className="portal-meter-size">DN{meter.sizeDn}</span>
      {meter.isRemote && (
        <Tag color="primary" fill="outline" className="portal-tag">
          {t('account.remote')}
        </Tag>
      )}
    </div>
  );
}

export function AccountCard({ account }: { account: PortalAccount }): ReactElement {
  const { t } = useTranslation();
  return (
    <article className="portal-card portal-account-card" data-testid="account-card">
      <Link className="portal-card-link" to={`/accounts/${encodeURIComponent(account.id)}`}>
        <div className="portal-account-head">
          <div>
            <div className="portal-label">{t('account.accountNo')}</div>
            <div className="portal-account-no">{account.accountNo}</div>
          </div>
          <StatusTag status={account.status} />
        </div>
        <div className="portal-account-holder">
          <span>{account.holderNameMasked}</span>
          <Tag color="primary" fill="solid" className="portal-tag portal-tag-soft">
            {t(`account.categories.${account.category}`)}
          </Tag>
          {account.category === 'residential' && (
            <span className="portal-muted">{t('account.persons', { count: account.householdSize })}</span>
          )}
        </div>
        <div className="portal-account-address">
          <PinIcon className="portal-inline-icon" />
          <span>{account.fullAddress}</span>
        </div>
        {account.meters.length > 0 && (
          <div className="portal-account-meters">
            {account.meters.map((meter) => (
              <MeterLine key={meter.serialNo} meter={meter} />
            ))}
          </div>
        )}
        <div className="portal-card-more">{t('account.viewDetail')} ›</div>
      </Link>
    </article>
  );
}
