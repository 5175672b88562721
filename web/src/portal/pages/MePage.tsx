/** 我的: who is logged in, language, the utility's hotline, and sign-out. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ActionSheet, Button, Dialog, List, Toast } from 'antd-mobile';
import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { switchLanguage, type Language } from '../../shared/i18n';
import { logout } from '../api';
import { Page } from '../components/Page';
import { showPrivacyNotice } from '../components/PrivacyNotice';
import { BuildingIcon, GlobeIcon, PhoneIcon, ShieldIcon, UserIcon } from '../icons';
import { endSession, tenantName, useSession } from '../session';

const LANGUAGES: Language[] = ['zh-CN', 'en'];

export function MePage(): ReactElement {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const session = useSession();
  const current: Language = i18n.language.startsWith('en') ? 'en' : 'zh-CN';

  const signOut = useMutation({
    mutationFn: logout,
    // Even if the server cannot be reached, the customer asked to leave: forget the session here.
    onSettled: () => {
      endSession(queryClient);
      Toast.show({ content: t('me.loggedOut') });
      void navigate('/login', { replace: true });
    },
  });

  if (!session.data) return <Page title={t('me.title')}>{null}</Page>;
  const { user, tenant } = session.data;

  const chooseLanguage = () => {
    const handler = ActionSheet.show({
      actions: LANGUAGES.map((language) => ({
        key: language,
        text: <span lang={language}>{t(`language.${language}`)}</span>,
        bold: language === current,
        onClick: () => {
          void switchLanguage(language);
          handler.close();
        },
      })),
      cancelText: t('app.cancel'),
    });
  };

  const confirmLogout = async () => {
    const confirmed = await Dialog.confirm({
      content: t('me.logoutConfirm'),
      confirmText: t('me.logout'),
      cancelText: t('app.cancel'),
    });
    if (confirmed) signOut.mutate();
  };

  return (
    <Page title={t('me.title')} testId="me-page">
      <div className="portal-content">
        <div className="portal-profile">
          <div className="portal-avatar" aria-hidden="true">
            <UserIcon />
          </div>
          <div>
            <div className="portal-profile-phone" data-testid="me-phone">
              {user.phoneMasked}
            </div>
            <div className="portal-profile-utility">{tenantName(tenant, i18n.language)}</div>
          </div>
        </div>

        <List mode="card" className="portal-list">
          <List.Item prefix={<GlobeIcon className="portal-list-icon" />} extra={t(`language.${current}`)} onClick={chooseLanguage}>
            {t('language.title')}
          </List.Item>
          <List.Item prefix={<BuildingIcon className="portal-list-icon" />} extra={tenantName(tenant, i18n.language)}>
            {t('me.utility')}
          </List.Item>
          {tenant.hotline && (
            <List.Item
              prefix={<PhoneIcon className="portal-list-icon" />}
              extra={
                <a className="portal-tel" href={`tel:${tenant.hotline.replace(/[^\d+]/g, '')}`} data-testid="hotline">
                  {tenant.hotline}
                </a>
              }
              arrow={false}
            >
              {t('me.hotline')}
            </List.Item>
          )}
          <List.Item prefix={<ShieldIcon className="portal-list-icon" />} onClick={() => showPrivacyNotice(t)}>
            {t('me.privacy')}
          </List.Item>
        </List>

        <div className="portal-actions">
          <Button block size="large" loading={signOut.isPending} onClick={() => void confirmLogout()}>
            {t('me.logout')}
          </Button>
        </div>
      </div>
    </Page>
  );
}
