import { ArrowLeftOutlined, CameraOutlined, CheckCircleFilled } from '@ant-design/icons';
import { Alert, App, Button, Card, Empty, Flex, Input, Progress, Segmented, Select, Space, Switch, Tag, Typography } from 'antd';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import type { CannotReadReason, PhotoUpload, ReadingResult, SheetItem } from '../../api/types';
import { PageLoading } from '../components/PageLoading';
import { QueryError } from '../components/QueryError';
import { errorMessage } from '../utils/errors';
import { useEnterReading, useSheet } from './api';
import { MAX_PHOTO_BYTES, preparePhoto } from './photo';
import { AnomalyTags, ReadingStatusTag } from './tags';
import { litresToM3, m3ToLitres } from './units';

type Filter = 'all' | 'todo' | 'done';
const REASONS: CannotReadReason[] = ['no_access', 'meter_buried', 'meter_broken', 'other'];

/** The reader's phone page: the route in walk order, one account open at a time for entry. */
export function EntryPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const sheet = useSheet(id);
  const [filter, setFilter] = useState<Filter>('todo');
  const [activeId, setActiveId] = useState<string | null>(null);
  const [results, setResults] = useState<Record<string, ReadingResult>>({});

  const items = useMemo(() => sheet.data?.items ?? [], [sheet.data]);
  const visible = items.filter((item) => (filter === 'all' ? true : filter === 'todo' ? !item.current || results[item.accountId] : item.current));
  if (sheet.isPending) return <PageLoading />;
  if (sheet.isError) return <QueryError compact error={sheet.error} onRetry={() => void sheet.refetch()} />;
  const { route, total, done, period } = sheet.data;
  const next = (after: SheetItem) => {
    const index = items.findIndex((item) => item.accountId === after.accountId);
    const following = [...items.slice(index + 1), ...items.slice(0, index)].find((item) => !item.current && item.accountId !== after.accountId);
    setActiveId(following?.accountId ?? null);
    if (following) setTimeout(() => document.getElementById(`rd-account-${following.accountId}`)?.scrollIntoView({ block: 'start', behavior: 'smooth' }), 50);
  };

  return (
    <div data-testid="entry-page">
      <Card className="rd-progress-card" style={{ marginBottom: 10 }}>
        <Flex align="center" gap={8}>
          <Button type="text" size="small" icon={<ArrowLeftOutlined />} aria-label={t('reading.mine.title')} onClick={() => void navigate('/reading/my-routes')} />
          <div style={{ minWidth: 0, flex: 1 }}>
            <Typography.Text strong ellipsis style={{ display: 'block' }}>
              {route.name}
            </Typography.Text>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {route.code} · {t('reading.mine.period', { period })}
            </Typography.Text>
          </div>
          <Tag color={done === total ? 'green' : 'blue'} style={{ marginInlineEnd: 0, fontSize: 13 }} data-testid="entry-progress">
            {t('reading.entry.progress', { done, total })}
          </Tag>
        </Flex>
        <Progress percent={total ? Math.round((done / total) * 100) : 0} showInfo={false} size="small" style={{ margin: '6px 0 8px' }} />
        <Segmented<Filter>
          block
          size="small"
          value={filter}
          onChange={setFilter}
          options={[
            { value: 'todo', label: `${t('reading.entry.filterTodo')} ${total - done}` },
            { value: 'done', label: `${t('reading.entry.filterDone')} ${done}` },
            { value: 'all', label: `${t('reading.entry.filterAll')} ${total}` },
          ]}
        />
      </Card>
      {done === total && total > 0 && <Alert type="success" showIcon style={{ marginBottom: 10 }} title={t('reading.entry.allDone')} />}
      {visible.length === 0 && <Empty style={{ marginTop: 32 }} />}
      {visible.map((item) => (
        <AccountCard
          key={item.accountId}
          item={item}
          isActive={activeId === item.accountId}
          result={results[item.accountId]}
          onOpen={() => setActiveId(activeId === item.accountId ? null : item.accountId)}
          onSaved={(result) => setResults((current) => ({ ...current, [item.accountId]: result }))}
          onNext={() => next(item)}
        />
      ))}
    </div>
  );
}

function AccountCard({
  item,
  isActive,
  result,
  onOpen,
  onSaved,
  onNext,
}: {
  item: SheetItem;
  isActive: boolean;
  result: ReadingResult | undefined;
  onOpen: () => void;
  onSaved: (result: ReadingResult) => void;
  onNext: () => void;
}) {
  const { t } = useTranslation();
  const current = result?.reading ?? item.current;
  const state = current ? (current.status === 'suspect' ? 'rd-suspect' : 'rd-done') : '';
  return (
    <Card id={`rd-account-${item.accountId}`} className={`rd-account-card ${state} ${isActive ? 'rd-active' : ''}`} data-testid="entry-account">
      <div role="button" tabIndex={0} onClick={onOpen} onKeyDown={(event) => (event.key === 'Enter' ? onOpen() : undefined)} style={{ cursor: 'pointer' }}>
        <Flex justify="space-between" align="flex-start" gap={8}>
          <div style={{ minWidth: 0 }}>
            <Space size={6}>
              <span className="rd-walk">{item.walkOrder}</span>
              <Typography.Text strong>{item.address}</Typography.Text>
            </Space>
            <div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {item.holderName} · {item.accountNo} · {t('reading.route.meterSerial')} {item.meter?.serialNo ?? '—'}
              </Typography.Text>
            </div>
          </div>
          {current ? <ReadingStatusTag status={current.status} /> : null}
        </Flex>
        <Flex gap={12} wrap style={{ marginTop: 4, fontSize: 12 }}>
          <span>
            <Typography.Text type="secondary">{t('reading.entry.last')} </Typography.Text>
            {item.last ? (
              <span className="rd-figure">
                {litresToM3(item.last.registerLitres)} <Typography.Text type="secondary">({item.last.readOn.slice(5)})</Typography.Text>
              </span>
            ) : (
              <Typography.Text type="secondary">{t('reading.entry.noHistory')}</Typography.Text>
            )}
          </span>
          {item.expected && (
            <span>
              <Typography.Text type="secondary">{t('reading.entry.expected')} </Typography.Text>
              <span className="rd-figure" data-testid="expected-range">
                {litresToM3(item.expected.lowLitres)}–{litresToM3(item.expected.highLitres)}
              </span>
            </span>
          )}
          {current && (current.status === 'accepted' || current.status === 'suspect') && current.registerLitres !== null && (
            <span>
              <CheckCircleFilled style={{ color: current.status === 'accepted' ? '#52c41a' : '#fa8c16' }} /> <span className="rd-figure">{litresToM3(current.registerLitres)}</span>
            </span>
          )}
          {current?.cannotReadReason && <Tag style={{ marginInlineEnd: 0 }}>{t(`reading.reason.${current.cannotReadReason}`)}</Tag>}
        </Flex>
      </div>
      {isActive && <EntryForm item={item} result={result} onSaved={onSaved} onNext={onNext} />}
    </Card>
  );
}

function EntryForm({ item, result, onSaved, onNext }: { item: SheetItem; result: ReadingResult | undefined; onSaved: (result: ReadingResult) => void; onNext: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const enter = useEnterReading();
  const [register, setRegister] = useState('');
  const [cannotRead, setCannotRead] = useState(false);
  const [reason, setReason] = useState<CannotReadReason>('no_access');
  const [note, setNote] = useState('');
  const [photo, setPhoto] = useState<PhotoUpload | null>(null);
  const [isEditing, setIsEditing] = useState(!result && !item.current);
  const fileInput = useRef<HTMLInputElement>(null);

  if (!item.meter) return <Alert type="warning" showIcon style={{ marginTop: 8 }} title={t('reading.entry.noMeter')} />;
  const litres = m3ToLitres(register);
  const isOutside = litres !== null && item.expected !== null && (litres < item.expected.lowLitres || litres > item.expected.highLitres);

  const choosePhoto = async (file: File | undefined) => {
    if (!file) return;
    if (!file.type.startsWith('image/')) return void message.error(t('reading.entry.photoType'));
    const prepared = await preparePhoto(file);
    if (prepared.dataBase64.length * 0.75 > MAX_PHOTO_BYTES) return void message.error(t('reading.entry.photoTooLarge'));
    setPhoto(prepared);
  };

  const submit = () => {
    if (!cannotRead && litres === null) return void message.error(t('reading.entry.registerInvalid'));
    enter.mutate(
      {
        accountId: item.accountId,
        meterId: item.meter?.id,
        ...(cannotRead ? { cannotReadReason: reason, ...(note.trim() ? { note: note.trim() } : {}) } : { registerM3: register.trim().replace(',', '.') }),
        ...(photo ? { photo } : {}),
      },
      {
        onSuccess: (saved) => {
          onSaved(saved);
          setIsEditing(false);
          setRegister('');
          setPhoto(null);
        },
      },
    );
  };

  const shown = result;
  return (
    <div style={{ marginTop: 10 }} onClick={(event) => event.stopPropagation()}>
      {shown && !isEditing && <ResultPanel result={shown} />}
      {!isEditing ? (
        <Flex gap={8} style={{ marginTop: 8 }}>
          <Button block onClick={() => setIsEditing(true)}>
            {t('reading.entry.reenter')}
          </Button>
          <Button block type="primary" onClick={onNext} data-testid="entry-next">
            {t('reading.entry.next')}
          </Button>
        </Flex>
      ) : (
        <Space direction="vertical" style={{ width: '100%' }} size={8}>
          <Flex justify="space-between" align="center">
            <Typography.Text strong>{cannotRead ? t('reading.entry.cannotRead') : t('reading.entry.register')}</Typography.Text>
            <Space size={6}>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('reading.entry.cannotRead')}
              </Typography.Text>
              <Switch size="small" checked={cannotRead} onChange={setCannotRead} data-testid="entry-cannot-read" />
            </Space>
          </Flex>
          {cannotRead ? (
            <>
              <Select<CannotReadReason> value={reason} onChange={setReason} options={REASONS.map((value) => ({ value, label: t(`reading.reason.${value}`) }))} data-testid="entry-reason" />
              <Input placeholder={t('reading.entry.notePlaceholder')} value={note} maxLength={200} onChange={(event) => setNote(event.target.value)} />
            </>
          ) : (
            <>
              <Input
                className="rd-register-input"
                size="large"
                inputMode="decimal"
                autoFocus
                placeholder={t('reading.entry.registerPlaceholder')}
                value={register}
                onChange={(event) => setRegister(event.target.value)}
                onPressEnter={submit}
                suffix={t('reading.units.m3')}
                status={register && litres === null ? 'error' : isOutside ? 'warning' : undefined}
                data-testid="entry-register"
              />
              {litres !== null && item.last && (
                <Typography.Text type={isOutside ? 'warning' : 'secondary'} style={{ fontSize: 12 }} data-testid="entry-preview">
                  {t('reading.entry.use')} {litresToM3(litres - item.last.registerLitres)} {t('reading.units.m3')}
                  {item.expected ? ` · ${t('reading.entry.expected')} ${litresToM3(item.expected.lowLitres)}–${litresToM3(item.expected.highLitres)}` : ''}
                </Typography.Text>
              )}
            </>
          )}
          <Flex gap={8} align="center">
            <input ref={fileInput} type="file" accept="image/*" capture="environment" hidden onChange={(event) => void choosePhoto(event.target.files?.[0])} data-testid="entry-photo-input" />
            <Button icon={<CameraOutlined />} onClick={() => fileInput.current?.click()}>
              {photo ? t('reading.entry.photoTaken') : t('reading.entry.photo')}
            </Button>
            {photo && <img className="rd-photo-preview" style={{ maxHeight: 40 }} alt="" src={`data:${photo.contentType};base64,${photo.dataBase64}`} />}
          </Flex>
          {enter.isError && <Alert type="error" showIcon title={errorMessage(enter.error, i18n.language, t('common.unexpectedError'))} />}
          <Button type="primary" size="large" block loading={enter.isPending} onClick={submit} data-testid="entry-submit">
            {cannotRead ? t('reading.entry.submitCannotRead') : t('reading.entry.submit')}
          </Button>
        </Space>
      )}
    </div>
  );
}

function ResultPanel({ result }: { result: ReadingResult }) {
  const { t } = useTranslation();
  const { reading } = result;
  const kind = result.isDuplicate ? 'duplicate' : reading.status;
  const type = kind === 'accepted' ? 'success' : kind === 'suspect' ? 'warning' : 'info';
  return (
    <Alert
      type={type}
      showIcon
      data-testid="entry-result"
      title={t(`reading.entry.${kind === 'rejected' ? 'suspect' : kind}`)}
      description={
        <Space direction="vertical" size={2}>
          {reading.consumptionLitres !== null && (
            <span>
              {t('reading.entry.use')} <b className="rd-figure">{litresToM3(reading.consumptionLitres)}</b> {t('reading.units.m3')}
            </span>
          )}
          <AnomalyTags anomalies={reading.anomalies} />
        </Space>
      }
    />
  );
}
