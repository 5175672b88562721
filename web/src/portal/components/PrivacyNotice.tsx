/** The short personal-information notice (个人信息保护说明) shown from the login page and from 我的. */
import { Dialog } from 'antd-mobile';
import type { TFunction } from 'i18next';

export function showPrivacyNotice(t: TFunction): void {
  void Dialog.alert({
    title: t('privacy.title'),
    confirmText: t('privacy.close'),
    content: (
      <div className="portal-privacy">
        <p>{t('privacy.body1')}</p>
        <p>{t('privacy.body2')}</p>
        <p>{t('privacy.body3')}</p>
        <p>{t('privacy.body4')}</p>
      </div>
    ),
  });
}
