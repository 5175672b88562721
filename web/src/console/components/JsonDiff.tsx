import { Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';

interface Row {
  key: string;
  before: unknown;
  after: unknown;
  hasBefore: boolean;
  hasAfter: boolean;
  changed: boolean;
}

function show(value: unknown, present: boolean) {
  if (!present) return <Typography.Text type="secondary">—</Typography.Text>;
  return <pre className="sw-code">{typeof value === 'string' ? value : JSON.stringify(value, null, 2)}</pre>;
}

/** Before and after of an audited change side by side, one line per field, changed fields highlighted. */
export function JsonDiff({ before, after }: { before: Record<string, unknown> | null; after: Record<string, unknown> | null }) {
  const { t } = useTranslation();
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  if (keys.length === 0) return <Typography.Text type="secondary">{t('audit.noChanges')}</Typography.Text>;
  const rows: Row[] = keys.map((key) => {
    const hasBefore = before !== null && key in before;
    const hasAfter = after !== null && key in after;
    const b = before?.[key];
    const a = after?.[key];
    return { key, before: b, after: a, hasBefore, hasAfter, changed: hasBefore !== hasAfter || JSON.stringify(b) !== JSON.stringify(a) };
  });
  // Changed fields first: they are what the reader is looking for.
  rows.sort((x, y) => Number(y.changed) - Number(x.changed));
  const columns: TableColumnsType<Row> = [
    { key: 'field', title: t('audit.field'), width: 200, render: (_, row) => <span className="sw-code">{row.key}</span> },
    {
      key: 'before',
      title: t('audit.before'),
      onCell: (row) => ({ className: row.changed && row.hasBefore ? 'sw-diff-changed-before' : undefined }),
      render: (_, row) => show(row.before, row.hasBefore),
    },
    {
      key: 'after',
      title: t('audit.after'),
      onCell: (row) => ({ className: row.changed && row.hasAfter ? 'sw-diff-changed-after' : undefined }),
      render: (_, row) => show(row.after, row.hasAfter),
    },
  ];
  return (
    <Table<Row>
      className="sw-diff"
      data-testid="audit-diff"
      size="small"
      bordered
      rowKey="key"
      columns={columns}
      dataSource={rows}
      pagination={false}
    />
  );
}
