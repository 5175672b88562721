/** Pieces the portal's service pages share: the state tag and the texts of the current language. */
import { Tag } from 'antd-mobile';
import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServiceRequestState } from '../../api/types';
import { serviceText } from './ServiceMessages';

export function useServiceText() {
  const { i18n } = useTranslation();
  return { text: serviceText(i18n.language), language: i18n.language };
}

const COLORS: Record<ServiceRequestState, string> = {
  submitted: 'warning',
  accepted: 'primary',
  responded: 'primary',
  dispatched: 'primary',
  en_route: 'primary',
  arrived: 'primary',
  controlled: 'primary',
  restored: 'success',
  closed: 'success',
  cancelled: 'default',
};

export function ServiceStateTag({ state }: { state: ServiceRequestState }): ReactElement {
  const { text } = useServiceText();
  return (
    <Tag color={COLORS[state]} fill="outline" className="sv-state" data-testid="service-state">
      {text.state[state]}
    </Tag>
  );
}
