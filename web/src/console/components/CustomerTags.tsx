import { HeartOutlined, StarOutlined } from '@ant-design/icons';
import { Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';

interface Props {
  isImportant: boolean;
  isSpecialCare: boolean;
  importantNote?: string | null;
  specialCareNote?: string | null;
}

/** 重要用户 / 特殊关爱 flags, with their notes as tooltips where known. */
export function CustomerTags({ isImportant, isSpecialCare, importantNote, specialCareNote }: Props) {
  const { t } = useTranslation();
  return (
    <>
      {isImportant ? (
        <Tooltip title={importantNote || undefined}>
          <Tag color="volcano" icon={<StarOutlined />}>
            {t('customer.important')}
          </Tag>
        </Tooltip>
      ) : null}
      {isSpecialCare ? (
        <Tooltip title={specialCareNote || undefined}>
          <Tag color="purple" icon={<HeartOutlined />}>
            {t('customer.specialCare')}
          </Tag>
        </Tooltip>
      ) : null}
    </>
  );
}
