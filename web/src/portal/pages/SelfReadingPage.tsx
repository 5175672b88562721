/** 抄表自报: the customer reads the meter of a bound account and sends the register with a photo. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Form, Input, List, Result, Tag, Toast } from 'antd-mobile';
import { useRef, useState, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { api, ApiError } from '../../api/client';
import type { PhotoUpload, PortalReadingResult, PortalReadings } from '../../api/types';
import { Page } from '../components/Page';
import { ErrorState, PageLoading } from '../components/states';
import { selfReadingText } from './selfReadingText';

const MAX_PHOTO_BYTES = 5 * 1024 * 1024;

const m3 = (litres: number | null): string => (litres === null ? '—' : `${litres < 0 ? '-' : ''}${Math.floor(Math.abs(litres) / 1000)}.${String(Math.abs(litres) % 1000).padStart(3, '0')}`);

function readBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(file);
  });
}

/** Shrinks a phone photo to at most 1600 px (JPEG), so it uploads quickly over mobile data. */
async function shrink(file: File): Promise<PhotoUpload> {
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.82));
    if (blob) return { contentType: 'image/jpeg', dataBase64: await readBase64(blob) };
  } catch {
    // Sent as it is; the server checks it.
  }
  return { contentType: file.type === 'image/png' || file.type === 'image/webp' ? file.type : 'image/jpeg', dataBase64: await readBase64(file) };
}

export function SelfReadingPage(): ReactElement {
  const { id = '' } = useParams();
  const { i18n } = useTranslation();
  const text = selfReadingText(i18n.language);
  const queryClient = useQueryClient();
  const key = ['portal', 'accounts', id, 'readings'];
  const readings = useQuery({ queryKey: key, queryFn: () => api.get<PortalReadings>(`/api/portal/accounts/${encodeURIComponent(id)}/readings`) });
  const [form] = Form.useForm<{ register: string }>();
  const [photo, setPhoto] = useState<PhotoUpload | null>(null);
  const [outcome, setOutcome] = useState<PortalReadingResult | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const submit = useMutation({
    mutationFn: (body: { registerM3: string; photo?: PhotoUpload }) => api.post<PortalReadingResult>(`/api/portal/accounts/${encodeURIComponent(id)}/readings`, body),
    onSuccess: (result) => {
      setOutcome(result);
      form.resetFields();
      setPhoto(null);
      void queryClient.invalidateQueries({ queryKey: key });
    },
    onError: (error) => {
      Toast.show({ icon: 'fail', content: error instanceof ApiError ? error.messageIn(i18n.language) : text.registerInvalid });
    },
  });

  const choose = async (file: File | undefined) => {
    if (!file) return;
    if (!file.type.startsWith('image/')) return void Toast.show({ content: text.photoType });
    const prepared = await shrink(file);
    if (prepared.dataBase64.length * 0.75 > MAX_PHOTO_BYTES) return void Toast.show({ content: text.photoTooLarge });
    setPhoto(prepared);
  };

  let body: ReactElement;
  if (readings.isPending) body = <PageLoading />;
  else if (readings.isError) body = <ErrorState error={readings.error} onRetry={() => void readings.refetch()} />;
  else
    body = (
      <div className="portal-content">
        {outcome && (
          <Result
            status={outcome.needsReview ? 'waiting' : 'success'}
            title={outcome.isDuplicate ? text.duplicate : outcome.needsReview ? text.review : text.accepted}
            description={outcome.reading.consumptionLitres !== null && !outcome.needsReview ? text.use.replace('{{value}}', m3(outcome.reading.consumptionLitres)) : undefined}
            data-testid="self-reading-result"
          />
        )}
        <p className="portal-intro">{text.intro}</p>
        <Form
          form={form}
          layout="vertical"
          mode="card"
          onFinish={(values: { register: string }) => submit.mutate({ registerM3: values.register.trim().replace(',', '.'), ...(photo ? { photo } : {}) })}
          footer={
            <Button block type="submit" color="primary" size="large" loading={submit.isPending} data-testid="self-reading-submit">
              {text.submit}
            </Button>
          }
        >
          <Form.Header>
            {text.meter} {readings.data.meterSerial ?? '—'}
          </Form.Header>
          <Form.Item
            name="register"
            label={`${text.register}（${text.unit}）`}
            rules={[
              { required: true, whitespace: true, message: text.registerRequired },
              { pattern: /^\s*\d{1,9}([.,]\d{0,3})?\s*$/, message: text.registerInvalid },
            ]}
          >
            <Input inputMode="decimal" placeholder={text.registerPlaceholder} clearable data-testid="self-reading-register" />
          </Form.Item>
          <Form.Item label={text.photo}>
            <input ref={fileInput} type="file" accept="image/*" capture="environment" hidden onChange={(event) => void choose(event.target.files?.[0])} data-testid="self-reading-photo" />
            {photo && <img alt="" src={`data:${photo.contentType};base64,${photo.dataBase64}`} style={{ maxWidth: '100%', maxHeight: 180, borderRadius: 8, display: 'block', marginBottom: 8 }} />}
            <Button size="small" onClick={() => fileInput.current?.click()}>
              {photo ? text.retake : text.takePhoto}
            </Button>
          </Form.Item>
        </Form>
        <List mode="card" header={text.history} className="portal-list" data-testid="self-reading-history">
          {readings.data.readings.length === 0 ? (
            <List.Item>
              <span className="portal-muted">{text.noHistory}</span>
            </List.Item>
          ) : (
            readings.data.readings.map((reading, index) => (
              <List.Item
                key={`${reading.readOn}-${index}`}
                description={`${text.source[reading.source]} · ${reading.consumptionLitres !== null ? text.use.replace('{{value}}', m3(reading.consumptionLitres)) : ''}`}
                extra={
                  <Tag color={reading.status === 'accepted' ? 'success' : reading.status === 'suspect' ? 'warning' : 'default'} fill="outline">
                    {text.status[reading.status]}
                  </Tag>
                }
              >
                <span style={{ fontVariantNumeric: 'tabular-nums' }}>
                  {reading.readOn} · {m3(reading.registerLitres)} {text.unit}
                </span>
              </List.Item>
            ))
          )}
        </List>
      </div>
    );

  return (
    <Page title={text.title} back testId="self-reading-page">
      {body}
    </Page>
  );
}
