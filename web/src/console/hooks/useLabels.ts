import { useTranslation } from 'react-i18next';

/** Names for the server's audit vocabulary; anything not translated yet is shown as the server spells it. */
export function useAuditLabels() {
  const { t } = useTranslation();
  return {
    action: (action: string) => t(`action.${action.replace(/\./g, '_')}`, { defaultValue: action }),
    objectType: (type: string) => t(`objectType.${type}`, { defaultValue: type }),
  };
}
