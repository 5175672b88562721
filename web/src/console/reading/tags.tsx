import { Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ReadingAnomaly, ReadingStatus } from '../../api/types';

const STATUS_COLORS: Record<ReadingStatus, string> = { accepted: 'green', suspect: 'orange', rejected: 'default', estimated: 'blue', unread: 'default' };
/** Anomalies that send a reading to review are red; the others are only noted. */
const ANOMALY_COLORS: Record<ReadingAnomaly, string> = {
  decrease: 'red',
  spike: 'red',
  stuck: 'red',
  meter_not_installed: 'red',
  zero_use: 'gold',
  rollover: 'blue',
  estimate_overstated: 'blue',
};

export function ReadingStatusTag({ status }: { status: ReadingStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLORS[status]} variant="filled" style={{ marginInlineEnd: 0 }} data-testid="reading-status">
      {t(`reading.status.${status}`)}
    </Tag>
  );
}

export function AnomalyTags({ anomalies }: { anomalies: ReadingAnomaly[] }) {
  const { t } = useTranslation();
  if (anomalies.length === 0) return null;
  return (
    <Space size={4} wrap>
      {anomalies.map((anomaly) => (
        <Tag key={anomaly} color={ANOMALY_COLORS[anomaly]} style={{ marginInlineEnd: 0 }}>
          {t(`reading.anomaly.${anomaly}`)}
        </Tag>
      ))}
    </Space>
  );
}
