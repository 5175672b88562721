/**
 * A request's photos and materials in the console: thumbnails that open full size (on the detail page's
 * history, next to the step they document), the crew member's photo uploads for the steps they took, and
 * the materials used, recorded by the assigned crew member while on site.
 */
import { CameraOutlined, DeleteOutlined, EnvironmentOutlined, FileImageOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Empty, Flex, Form, Image, Input, Popconfirm, Progress, Select, Space, Table, Typography } from 'antd';
import { useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { ServiceEvent, ServiceMaterial, ServiceMaterialUse, ServicePhoto, ServicePhotoStep, ServiceRequestDetail, ServiceRequestState } from '../../api/types';
import { NotAPhoto, PhotoTooLarge, preparePhoto } from '../../shared/photos';
import { formatQuantity, parseQuantity, quantityDecimals } from '../../shared/quantity';
import { useSession } from '../session/session';
import { errorMessage } from '../utils/errors';
import { formatDateTime } from '../utils/format';
import { serviceKeys } from './hooks';

export const photoUrl = (requestId: string, photoId: string) => `/api/service-requests/${encodeURIComponent(requestId)}/photos/${encodeURIComponent(photoId)}`;

const FIELD_ORDER: ServiceRequestState[] = ['dispatched', 'en_route', 'arrived', 'controlled', 'restored'];
const STATE_OF_STEP: Record<Exclude<ServicePhotoStep, 'submit'>, ServiceRequestState> = { arrive: 'arrived', control: 'controlled', restore: 'restored' };
const SITE_STEPS = ['arrive', 'control', 'restore'] as const;
const ON_SITE: ServiceRequestState[] = ['arrived', 'controlled', 'restored'];

/** The site steps whose photos the assigned crew member may add now (the server's rule, mirrored). */
export function photoStepsOpenTo(request: ServiceRequestDetail, staffId: string, canField: boolean): ServicePhotoStep[] {
  if (request.kind !== 'repair' || !canField || request.assignee?.id !== staffId) return [];
  const reached = FIELD_ORDER.indexOf(request.state);
  return SITE_STEPS.filter((step) => reached >= FIELD_ORDER.indexOf(STATE_OF_STEP[step]));
}

/**
 * Which event each photo belongs to: the latest event of its step taken before it was uploaded (the
 * report's photos to the submission), so a request reopened and done again keeps each photo in its round.
 */
export function photosByEvent(events: ServiceEvent[], photos: ServicePhoto[]): Map<number, ServicePhoto[]> {
  const map = new Map<number, ServicePhoto[]>();
  for (const photo of photos) {
    let index = -1;
    events.forEach((event, at) => {
      if (event.step === photo.step && (index === -1 || event.at <= photo.uploadedAt)) index = at;
    });
    if (index === -1) continue;
    map.set(index, [...(map.get(index) ?? []), photo]);
  }
  return map;
}

/** Thumbnails that open full size; HEIC (which browsers other than Safari cannot show) as a download. */
export function PhotoThumbs({ requestId, photos, size = 64 }: { requestId: string; photos: ServicePhoto[]; size?: number }) {
  const { t } = useTranslation();
  if (photos.length === 0) return null;
  return (
    <Image.PreviewGroup>
      <Flex gap={6} wrap className="sv-photos" data-testid="service-photos">
        {photos.map((photo) =>
          photo.contentType === 'image/heic' ? (
            <a key={photo.id} href={photoUrl(requestId, photo.id)} className="sv-photo-file" style={{ width: size, height: size }} download data-testid="service-photo">
              <FileImageOutlined />
              <span>{t('serviceMedia.heic')}</span>
            </a>
          ) : (
            <Image
              key={photo.id}
              width={size}
              height={size}
              src={photoUrl(requestId, photo.id)}
              alt={t('serviceMedia.photoAlt', { step: t(`serviceMedia.photoStep.${photo.step}`), by: photo.uploadedBy, time: formatDateTime(photo.uploadedAt) })}
              style={{ objectFit: 'cover', borderRadius: 6 }}
              data-testid="service-photo"
            />
          ),
        )}
      </Flex>
    </Image.PreviewGroup>
  );
}

/** A button that sends photos for a step, one by one, with the progress of the one being sent. */
export function PhotoUploadButton({ request, step, label }: { request: ServiceRequestDetail; step: ServicePhotoStep; label?: string }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<{ name: string; percent: number } | null>(null);
  const send = async (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) {
      setProgress({ name: file.name, percent: 0 });
      try {
        const prepared = await preparePhoto(file);
        await api.postWithProgress(`/api/service-requests/${encodeURIComponent(request.id)}/photos`, { step, photo: prepared.upload }, (sent) => setProgress({ name: file.name, percent: Math.round(sent * 100) }));
        if (prepared.previewUrl) URL.revokeObjectURL(prepared.previewUrl);
        void message.success({ key: 'service-photo', content: t('serviceMedia.uploaded') });
      } catch (error) {
        const reason = error instanceof PhotoTooLarge ? t('serviceMedia.tooLarge') : error instanceof NotAPhoto ? t('serviceMedia.notAPhoto') : errorMessage(error, i18n.language, String(error));
        void message.error({ key: 'service-photo', content: t('serviceMedia.uploadFailed', { reason }) });
      }
    }
    setProgress(null);
    await queryClient.invalidateQueries({ queryKey: serviceKeys.detail(request.id) });
  };
  return (
    <div>
      <input
        ref={input}
        type="file"
        accept="image/*"
        multiple
        hidden
        onChange={(event) => {
          void send(event.target.files);
          event.target.value = '';
        }}
        data-testid={`photo-input-${step}`}
      />
      <Button icon={<CameraOutlined />} loading={progress !== null} onClick={() => input.current?.click()} data-testid={`photo-add-${step}`}>
        {label ?? t('serviceMedia.addPhoto')}
      </Button>
      {progress && (
        <div role="status">
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('serviceMedia.uploading', { name: progress.name })}
          </Typography.Text>
          <Progress percent={progress.percent} size="small" />
        </div>
      )}
    </div>
  );
}

/** On the crew phone page: per site step taken, its photos and the button to add more. */
export function CrewPhotos({ request }: { request: ServiceRequestDetail }) {
  const { t } = useTranslation();
  const { session, can } = useSession();
  const steps = photoStepsOpenTo(request, session.staff.id, can('service.field'));
  if (steps.length === 0 || request.state === 'closed' || request.state === 'cancelled') return null;
  return (
    <div className="sv-crew-media" data-testid="crew-photos">
      <Typography.Text strong>{t('serviceMedia.sitePhotos')}</Typography.Text>
      {steps.map((step) => (
        <div key={step} className="sv-crew-photo-step" data-testid={`crew-photos-${step}`}>
          <Typography.Text type="secondary">{t(`serviceMedia.photoStep.${step}`)}</Typography.Text>
          <PhotoThumbs requestId={request.id} photos={request.photos.filter((photo) => photo.step === step)} size={56} />
          <PhotoUploadButton request={request} step={step} />
        </div>
      ))}
    </div>
  );
}

/** The coordinates of a request reported with the phone's location, with a map link (WGS-84, as phones give them). */
export function LocationText({ latitude, longitude }: { latitude: number; longitude: number }): ReactNode {
  const { t } = useTranslation();
  return (
    <Space size={8} wrap>
      <span className="sw-code" data-testid="service-location">
        <EnvironmentOutlined /> {t('serviceMedia.coordinates', { lat: latitude.toFixed(6), lng: longitude.toFixed(6) })}
      </span>
      <Typography.Link href={`https://uri.amap.com/marker?position=${longitude},${latitude}&coordinate=wgs84`} target="_blank" rel="noreferrer" onClick={(event) => event.stopPropagation()}>
        {t('serviceMedia.openMap')}
      </Typography.Link>
    </Space>
  );
}

// ---- materials ----
const useMaterialsCatalogue = (enabled: boolean) =>
  useQuery({ queryKey: ['service', 'materials'], enabled, staleTime: 10 * 60_000, queryFn: async () => (await api.get<{ materials: ServiceMaterial[] }>('/api/service-materials')).materials });

const materialName = (material: ServiceMaterial, english: boolean) => (english ? material.nameEn : material.name);
const unitOf = (material: ServiceMaterial, english: boolean) => (english ? material.unitEn : material.unit);

/** The materials used on a request; the assigned crew member on site records and removes lines. */
export function MaterialsPanel({ request, compact }: { request: ServiceRequestDetail; compact?: boolean }) {
  const { t, i18n } = useTranslation();
  const english = i18n.language.startsWith('en');
  const { message } = App.useApp();
  const { session, can } = useSession();
  const queryClient = useQueryClient();
  const editable = request.kind === 'repair' && can('service.field') && request.assignee?.id === session.staff.id && ON_SITE.includes(request.state);
  const catalogue = useMaterialsCatalogue(editable);
  const [form] = Form.useForm<{ materialId?: string; quantity?: string; note?: string }>();
  // On the phone the form opens on demand, so the page stays short.
  const [formOpen, setFormOpen] = useState(!compact);
  const chosenId = Form.useWatch('materialId', form);
  const chosen = catalogue.data?.find((material) => material.id === chosenId);
  const refresh = (materials: ServiceMaterialUse[]) => queryClient.setQueryData<ServiceRequestDetail>(serviceKeys.detail(request.id), (current) => (current ? { ...current, materials } : current));
  const add = useMutation({
    mutationFn: (body: { materialId: string; quantity: number; note?: string }) => api.post<{ materials: ServiceMaterialUse[] }>(`/api/service-requests/${encodeURIComponent(request.id)}/materials`, body),
    onSuccess: ({ materials }) => {
      refresh(materials);
      form.resetFields();
      void message.success({ key: 'service-material', content: t('serviceMedia.added') });
    },
    onError: (error) => void message.error({ key: 'service-material', content: errorMessage(error, i18n.language, String(error)) }),
  });
  const remove = useMutation({
    mutationFn: (useId: string) => api.delete<{ materials: ServiceMaterialUse[] }>(`/api/service-requests/${encodeURIComponent(request.id)}/materials/${encodeURIComponent(useId)}`),
    onSuccess: ({ materials }) => {
      refresh(materials);
      void message.success({ key: 'service-material', content: t('serviceMedia.removed') });
    },
    onError: (error) => void message.error({ key: 'service-material', content: errorMessage(error, i18n.language, String(error)) }),
  });

  const lines = request.materials;
  return (
    <Flex vertical gap={12} data-testid="service-materials">
      {lines.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('serviceMedia.noMaterials')} style={{ margin: 0 }} />
      ) : (
        <Table<ServiceMaterialUse>
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={lines}
          data-testid="service-material-lines"
          columns={[
            { key: 'material', title: t('serviceMedia.material'), render: (_value, line) => materialName(line.material, english) },
            {
              key: 'quantity',
              title: t('serviceMedia.quantity'),
              align: 'right',
              render: (_value, line) => (
                <span className="sw-code" data-testid="service-material-quantity">
                  {formatQuantity(line.quantity, line.material.scale)} {unitOf(line.material, english)}
                </span>
              ),
            },
            ...(compact
              ? []
              : [
                  { key: 'note', title: t('serviceMedia.note'), render: (_value: unknown, line: ServiceMaterialUse) => line.note ?? '' },
                  { key: 'by', title: t('serviceMedia.recordedBy'), render: (_value: unknown, line: ServiceMaterialUse) => line.recordedBy },
                  { key: 'at', title: t('serviceMedia.recordedAt'), render: (_value: unknown, line: ServiceMaterialUse) => formatDateTime(line.recordedAt) },
                ]),
            ...(editable
              ? [
                  {
                    key: 'remove',
                    title: '',
                    width: 40,
                    render: (_value: unknown, line: ServiceMaterialUse) => (
                      <Popconfirm title={t('serviceMedia.confirmRemove')} okText={t('serviceMedia.remove')} cancelText={t('common.cancel')} onConfirm={() => remove.mutate(line.id)}>
                        <Button type="text" danger size="small" icon={<DeleteOutlined />} aria-label={t('serviceMedia.remove')} loading={remove.isPending && remove.variables === line.id} />
                      </Popconfirm>
                    ),
                  },
                ]
              : []),
          ]}
        />
      )}
      {editable && !formOpen && (
        <Button icon={<PlusOutlined />} block onClick={() => setFormOpen(true)} data-testid="service-material-open">
          {t('serviceMedia.record')}
        </Button>
      )}
      {editable && formOpen && (
        <Form
          form={form}
          layout="vertical"
          requiredMark={false}
          disabled={add.isPending}
          onFinish={(values) => {
            const quantity = chosen ? parseQuantity(values.quantity ?? '', chosen.scale) : null;
            if (!values.materialId || quantity === null) return;
            add.mutate({ materialId: values.materialId, quantity, ...(values.note?.trim() ? { note: values.note.trim() } : {}) });
          }}
          data-testid="service-material-form"
        >
          <Form.Item name="materialId" label={t('serviceMedia.material')} rules={[{ required: true, message: t('serviceMedia.materialRequired') }]} style={{ marginBottom: 8 }}>
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              loading={catalogue.isPending}
              options={(catalogue.data ?? []).filter((material) => material.isActive).map((material) => ({ value: material.id, label: materialName(material, english) }))}
              data-testid="service-material-select"
            />
          </Form.Item>
          <Form.Item
            name="quantity"
            label={t('serviceMedia.quantity')}
            extra={chosen ? (chosen.scale === 1 ? t('serviceMedia.unitHintWhole', { unit: unitOf(chosen, english) }) : t('serviceMedia.unitHint', { unit: unitOf(chosen, english), decimals: quantityDecimals(chosen.scale) })) : undefined}
            rules={[{ validator: (_rule, value: string | undefined) => (chosen && parseQuantity(value ?? '', chosen.scale) !== null ? Promise.resolve() : Promise.reject(new Error(t('serviceMedia.quantityInvalid')))) }]}
            dependencies={['materialId']}
            style={{ marginBottom: 8 }}
          >
            <Input inputMode="decimal" suffix={chosen ? unitOf(chosen, english) : undefined} data-testid="service-material-quantity-input" />
          </Form.Item>
          {!compact && (
            <Form.Item name="note" label={t('serviceMedia.note')} style={{ marginBottom: 8 }}>
              <Input maxLength={200} placeholder={t('serviceMedia.notePlaceholder')} />
            </Form.Item>
          )}
          <Button htmlType="submit" type="primary" ghost block={compact} loading={add.isPending} data-testid="service-material-add">
            {t('serviceMedia.add')}
          </Button>
        </Form>
      )}
    </Flex>
  );
}
