import { Empty, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { HistoryEntry } from '../../api/types';
import { useAuditLabels } from '../hooks/useLabels';
import { useSession } from '../session/session';
import { formatDateTime } from '../utils/format';

/** The changes made to this customer's records, newest first, linking to the audit log for auditors. */
export function HistoryTab({ history }: { history: HistoryEntry[] }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const labels = useAuditLabels();
  if (history.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('history.empty')} />;
  const sorted = [...history].sort((a, b) => b.seq - a.seq);
  return (
    <Timeline
      style={{ paddingTop: 8 }}
      items={sorted.map((entry) => ({
        key: entry.seq,
        color: entry.action.includes('reveal') ? 'orange' : entry.action.includes('create') ? 'green' : 'blue',
        content: (
          <div data-testid="history-entry">
            <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
              {formatDateTime(entry.occurredAt)}
            </Typography.Text>
            <Typography.Text strong>{labels.action(entry.action)}</Typography.Text>
            <Typography.Text type="secondary">
              {' · '}
              {labels.objectType(entry.objectType)}
              {' · '}
              {t('history.by', { name: entry.actorName })}
            </Typography.Text>
            {can('audit.read') ? (
              <>
                {' · '}
                <Link
                  to={`/audit?objectType=${encodeURIComponent(entry.objectType)}&objectId=${encodeURIComponent(entry.objectId)}`}
                >
                  #{entry.seq}
                </Link>
              </>
            ) : null}
          </div>
        ),
      }))}
    />
  );
}
