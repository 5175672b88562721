/**
 * One application: the applicant, address and account, the documents (photos and PDFs), the stage timeline
 * (each stage, who did it, when, its deadline and outputs) and the work on the current stage — claim, the stage
 * form, return for materials, reject with a reason, or resubmit for the applicant. A segregation-of-duties
 * refusal is shown with the rule that refused it.
 */
import { ArrowLeftOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Checkbox, Col, Descriptions, Empty, Flex, Form, Input, Modal, Result, Row, Skeleton, Space, Tag, Timeline, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { QueryError } from '../components/QueryError';
import { useSession } from '../session/session';
import { errorMessage, isStatus } from '../utils/errors';
import { formatDateTime } from '../utils/format';
import { useAddDocument, useApplication, useApplicationTypes, useClaim, useReject, useResubmit, useReturn, useRouteChoices } from './hooks';
import { Deadline, DocumentList, FileTooLarge, NotADocument, OutputValue, OverdueTag, prepareDocument, StatusTag, useBilingual } from './parts';
import { describeActor, eventStageCode } from './actors';
import { StageForm } from './StageForm';
import type { ApplicationActorKind, ApplicationDetail, ApplicationEvent, SegregationRule, StageProgress } from './types';

const isSegregation = (error: unknown): error is ApiError => error instanceof ApiError && error.status === 403 && error.body.code === 'segregation_of_duties';

/** The segregation-of-duties refusal: the server's words, and the rules of the type that bind this stage. */
function SegregationAlert({ error, rules, stageCode, onClose }: { error: ApiError; rules: SegregationRule[]; stageCode: string; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { pick } = useBilingual();
  const binding = rules.filter((rule) => rule.stageCodes.includes(stageCode));
  return (
    <Alert
      type="error"
      showIcon
      closable={{ onClose }}
      role="alert"
      data-testid="segregation-refusal"
      title={t('applications.actions.segregationTitle')}
      description={
        <Flex vertical gap={4}>
          <Typography.Text strong>{error.messageIn(i18n.language)}</Typography.Text>
          {binding.length > 0 && (
            <>
              <Typography.Text type="secondary">{t('applications.actions.segregationRules')}</Typography.Text>
              <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                {binding.map((rule) => (
                  <li key={`${rule.kind}-${rule.stageCodes.join()}`}>{pick(rule.description)}</li>
                ))}
              </ul>
            </>
          )}
        </Flex>
      }
    />
  );
}

function ReasonModal({ kind, application, onClose }: { kind: 'return' | 'reject' | null; application: ApplicationDetail; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { name } = useBilingual();
  const [form] = Form.useForm<{ reason: string; missing?: string[] }>();
  const returning = useReturn();
  const rejecting = useReject();
  const mutation = kind === 'reject' ? rejecting : returning;
  const submit = async (values: { reason: string; missing?: string[] }) => {
    const missing = (values.missing ?? []).map((code) => application.materials.find((material) => material.code === code)).filter(Boolean).map((material) => name(material as { name: string; nameEn: string }));
    const reason = [missing.length ? `${t('applications.actions.returnMissing')}：${missing.join('、')}` : '', values.reason.trim()].filter(Boolean).join('；');
    try {
      await mutation.mutateAsync({ id: application.id, version: application.version, reason });
      void message.success(kind === 'reject' ? t('applications.actions.rejected') : t('applications.actions.returned'));
      form.resetFields();
      onClose();
    } catch (error) {
      void message.error(errorMessage(error, i18n.language, t('common.unexpectedError')));
    }
  };
  return (
    <Modal
      open={kind !== null}
      title={kind === 'reject' ? t('applications.actions.reject') : t('applications.actions.return')}
      okText={t('applications.actions.confirm')}
      okButtonProps={{ danger: kind === 'reject', loading: mutation.isPending, id: 'application-reason-confirm' }}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={(values) => void submit(values)} initialValues={{ missing: application.missing.materials.map((material) => material.code) }}>
        {kind === 'return' && (
          <Form.Item label={t('applications.actions.returnMissing')} name="missing">
            <Checkbox.Group options={application.materials.map((material) => ({ value: material.code, label: name(material) }))} />
          </Form.Item>
        )}
        <Form.Item
          label={kind === 'reject' ? t('applications.actions.rejectReason') : t('applications.actions.returnReason')}
          name="reason"
          rules={[{ required: true, whitespace: true, min: 2, message: t('applications.actions.reasonRequired') }, { max: 400 }]}
        >
          <Input.TextArea rows={3} maxLength={400} showCount data-testid="reason-input" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The applicant's documents by material, with an upload for the counter while the application is open. */
export function Materials({ application, canUpload }: { application: ApplicationDetail; canUpload: boolean }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { name } = useBilingual();
  const add = useAddDocument();
  const [uploading, setUploading] = useState<string | null>(null);
  const upload = async (material: string, file: File, allowPdf: boolean) => {
    setUploading(material);
    try {
      await add.mutateAsync({ id: application.id, material, file: await prepareDocument(file, allowPdf) });
      void message.success(t('applications.detail.uploaded'));
    } catch (error) {
      if (error instanceof NotADocument) void message.error(t('applications.form.notAPhoto'));
      else if (error instanceof FileTooLarge) void message.error(t('applications.form.tooLarge'));
      else void message.error(errorMessage(error, i18n.language, t('common.unexpectedError')));
    } finally {
      setUploading(null);
    }
  };
  return (
    <Flex vertical gap={12} data-testid="application-materials">
      {application.materials.map((material) => {
        const documents = application.documents.filter((document) => document.material === material.code);
        const allowPdf = material.acceptedKinds ? material.acceptedKinds.includes('application/pdf') : true;
        return (
          <Flex key={material.code} vertical gap={6} data-material={material.code}>
            <Space wrap>
              <Typography.Text strong>{name(material)}</Typography.Text>
              <Tag color={material.isRequired ? 'blue' : 'default'}>{material.isRequired ? t('applications.detail.required') : t('applications.detail.optional')}</Tag>
              {documents.length === 0 && <Typography.Text type={material.isRequired ? 'danger' : 'secondary'}>{t('applications.detail.noDocument')}</Typography.Text>}
              {canUpload && (
                <Upload
                  accept={allowPdf ? 'image/*,application/pdf' : 'image/*'}
                  showUploadList={false}
                  beforeUpload={(file) => {
                    void upload(material.code, file, allowPdf);
                    return false;
                  }}
                >
                  <Button size="small" icon={<UploadOutlined />} loading={uploading === material.code} data-testid={`material-upload-${material.code}`}>
                    {t('applications.detail.upload')}
                  </Button>
                </Upload>
              )}
            </Space>
            <DocumentList applicationId={application.id} documents={documents} />
          </Flex>
        );
      })}
    </Flex>
  );
}

function StageOutputs({ application, stage, event }: { application: ApplicationDetail; stage: StageProgress; event: ApplicationEvent | undefined }) {
  const { english } = useBilingual();
  const needsRoutes = stage.outputs.some((spec) => spec.kind === 'uuid');
  const routes = useRouteChoices(needsRoutes && Boolean(event));
  const files = application.documents.filter((document) => document.stage === stage.code);
  if (!event?.outputs && files.length === 0) return null;
  return (
    <Flex vertical gap={6} style={{ marginTop: 6 }}>
      {event?.outputs && (
        <Descriptions size="small" column={1} bordered={false} colon styles={{ label: { color: '#5f6b7a' } }}>
          {stage.outputs
            .filter((spec) => spec.kind !== 'attachments' && event.outputs?.[spec.key] !== undefined)
            .map((spec) => (
              <Descriptions.Item key={spec.key} label={english ? spec.en : spec.zh}>
                <OutputValue spec={spec} value={event.outputs?.[spec.key]} routes={routes.data} />
              </Descriptions.Item>
            ))}
        </Descriptions>
      )}
      <DocumentList applicationId={application.id} documents={files} />
      {event?.note && <Typography.Text type="secondary">{event.note}</Typography.Text>}
    </Flex>
  );
}

/** A staff member by name and post (the stage's role), not by login; the applicant on the portal by the masked phone. */
function useActorLabel() {
  const { t } = useTranslation();
  const { pick } = useBilingual();
  const words = { applicant: (phone: string) => t('applications.detail.applicantActor', { phone }), withPost: (name: string, post: string) => t('applications.detail.actorWithPost', { name, post }) };
  return (actor: { kind: ApplicationActorKind; name: string }, stage: StageProgress | undefined): string => describeActor(actor, stage ? pick(stage.roleName) : null, words);
}

function StageTimeline({ application }: { application: ApplicationDetail }) {
  const { t } = useTranslation();
  const { name, pick } = useBilingual();
  const actorLabel = useActorLabel();
  const doneEvents = new Map(application.events.filter((event) => event.kind === 'stage_done').map((event) => [event.stageCode, event]));
  const isOpen = application.status === 'in_progress' || application.status === 'returned';
  return (
    <Timeline
      data-testid="stage-timeline"
      items={application.stages
        .filter((stage) => stage.isEnabled !== false)
        .map((stage) => {
          const color = stage.state === 'done' ? (stage.isOverdue ? 'red' : 'green') : stage.state === 'current' ? (stage.isOverdue ? 'red' : 'blue') : 'gray';
          return {
            color,
            content: (
              <div data-testid="timeline-stage" data-stage={stage.code} data-state={stage.state}>
                <Space wrap size={6}>
                  <Typography.Text strong>{name(stage)}</Typography.Text>
                  <Tag color={stage.state === 'done' ? 'success' : stage.state === 'current' ? (application.status === 'returned' ? 'warning' : 'processing') : 'default'}>
                    {stage.state === 'current' && !isOpen ? t('applications.state.pending') : t(`applications.state.${stage.state}`)}
                  </Tag>
                  {stage.isOverdue && <OverdueTag />}
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {pick(stage.roleName)} · {t('applications.detail.limit', { days: stage.timeLimitDays })}
                  </Typography.Text>
                </Space>
                {(stage.startedAt || stage.doneAt) && (
                  <Flex wrap gap={12} style={{ fontSize: 12, color: '#5f6b7a', marginTop: 2 }}>
                    {stage.startedAt && <span>{`${t('applications.detail.started')} ${formatDateTime(stage.startedAt).slice(0, 16)}`}</span>}
                    {stage.dueAt && (
                      <span>
                        {t('applications.detail.deadline')} <Deadline at={stage.dueAt} isOverdue={stage.isOverdue} />
                      </span>
                    )}
                    {stage.doneAt && <span>{`${t('applications.detail.doneAt')} ${formatDateTime(stage.doneAt).slice(0, 16)}`}</span>}
                    {stage.doneByName && (
                      <span data-testid="stage-done-by">
                        {t('applications.detail.doneBy')} {actorLabel({ kind: 'staff', name: stage.doneByName }, stage)}
                      </span>
                    )}
                  </Flex>
                )}
                {stage.state === 'current' && application.currentStage?.holder && isOpen && (
                  <div style={{ fontSize: 12, marginTop: 2 }}>{t('applications.detail.holder', { name: application.currentStage.holder.name })}</div>
                )}
                <StageOutputs application={application} stage={stage} event={doneEvents.get(stage.code)} />
              </div>
            ),
          };
        })}
    />
  );
}

function EventLog({ events, stages }: { events: ApplicationEvent[]; stages: StageProgress[] }) {
  const { t } = useTranslation();
  const { name } = useBilingual();
  const actorLabel = useActorLabel();
  const stageOf = (code: string | null) => stages.find((candidate) => candidate.code === code);
  const stageName = (code: string) => {
    const stage = stageOf(code);
    return stage ? name(stage) : code;
  };
  return (
    <Flex vertical gap={4} data-testid="application-events">
      {events.map((event, index) => (
        <Typography.Text key={index} style={{ fontSize: 13 }}>
          <Typography.Text type="secondary">{formatDateTime(event.at).slice(0, 16)}</Typography.Text> {t(`applications.detail.eventKinds.${event.kind}`, { defaultValue: event.kind })}
          {event.stageCode ? ` · ${stageName(event.stageCode)}` : ''} · <span data-testid="application-event-actor">{actorLabel({ kind: event.actorKind, name: event.actorName }, stageOf(eventStageCode(events, index)))}</span>
          {event.note && event.kind !== 'stage_done' ? `：${event.note}` : ''}
        </Typography.Text>
      ))}
    </Flex>
  );
}

function WorkPanel({ application }: { application: ApplicationDetail }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { name, pick } = useBilingual();
  const types = useApplicationTypes();
  const claim = useClaim();
  const resubmit = useResubmit();
  const [reasonKind, setReasonKind] = useState<'return' | 'reject' | null>(null);
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const stage = application.stages.find((candidate) => candidate.state === 'current');
  const rules = types.data?.types.find((type) => type.code === application.type.code)?.rules ?? [];
  const actions = application.nextActions;
  const catchSegregation = (error: unknown) => {
    if (isSegregation(error)) {
      setRefusal(error);
      return true;
    }
    return false;
  };

  const doClaim = async () => {
    setRefusal(null);
    try {
      await claim.mutateAsync({ id: application.id, version: application.version });
      void message.success(t('applications.actions.claimed'));
    } catch (error) {
      if (!catchSegregation(error)) void message.error(errorMessage(error, i18n.language, t('common.unexpectedError')));
    }
  };
  const doResubmit = async () => {
    try {
      await resubmit.mutateAsync({ id: application.id, version: application.version });
      void message.success(t('applications.actions.resubmitted'));
    } catch (error) {
      void message.error(errorMessage(error, i18n.language, t('common.unexpectedError')));
    }
  };

  let body;
  if (application.status === 'completed' || application.status === 'rejected') {
    body = <Typography.Text type="secondary">{t('applications.actions.finished')}</Typography.Text>;
  } else if (application.status === 'returned') {
    body = (
      <Flex vertical gap={8}>
        <Typography.Text type="warning">{t('applications.actions.waitingApplicant')}</Typography.Text>
        {actions.includes('resubmit') && (
          <Button onClick={() => void doResubmit()} loading={resubmit.isPending} data-testid="application-resubmit">
            {t('applications.actions.resubmit')}
          </Button>
        )}
      </Flex>
    );
  } else if (!stage || !actions.includes('advance')) {
    body = (
      <Alert
        type="info"
        showIcon
        data-testid="not-your-stage"
        title={
          application.currentStage?.holder && stage && actions.length > 0
            ? t('applications.actions.heldByOther', { name: application.currentStage.holder.name })
            : t('applications.actions.notYours', { stage: stage ? name(stage) : '', role: stage ? pick(stage.roleName) : '' })
        }
      />
    );
  } else {
    const heldByOther = application.currentStage?.holder && actions.includes('claim');
    body = (
      <Flex vertical gap={12}>
        {actions.includes('claim') && (
          <Flex align="center" gap={12} wrap>
            <Button type={heldByOther ? 'default' : 'primary'} onClick={() => void doClaim()} loading={claim.isPending} data-testid="application-claim">
              {t('applications.actions.claim')}
            </Button>
            <Typography.Text type="secondary">
              {heldByOther ? t('applications.actions.heldByOther', { name: application.currentStage?.holder?.name ?? '' }) : t('applications.actions.claimHint')}
            </Typography.Text>
          </Flex>
        )}
        {refusal && <SegregationAlert error={refusal} rules={rules} stageCode={stage.code} onClose={() => setRefusal(null)} />}
        <StageForm key={`${stage.code}-${application.version}`} application={application} stage={stage} onSegregation={catchSegregation} />
        <Flex gap={8} wrap style={{ borderTop: '1px solid #eef1f5', paddingTop: 12 }}>
          <Button onClick={() => setReasonKind('return')} data-testid="application-return">
            {t('applications.actions.return')}
          </Button>
          <Button danger onClick={() => setReasonKind('reject')} data-testid="application-reject">
            {t('applications.actions.reject')}
          </Button>
        </Flex>
        <ReasonModal kind={reasonKind} application={application} onClose={() => setReasonKind(null)} />
      </Flex>
    );
  }
  return (
    <Card
      title={
        <Space>
          {t('applications.actions.title')}
          {stage && application.status === 'in_progress' && <Tag color="processing">{name(stage)}</Tag>}
          {application.currentStage?.isOverdue && <OverdueTag />}
        </Space>
      }
      data-testid="work-panel"
    >
      {refusal && !(stage && actions.includes('advance')) && stage && <SegregationAlert error={refusal} rules={rules} stageCode={stage.code} onClose={() => setRefusal(null)} />}
      {body}
    </Card>
  );
}

export function ApplicationDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { can } = useSession();
  const { name, pick } = useBilingual();
  const query = useApplication(id);
  const back = (
    <Link to="/applications">
      <Button type="link" icon={<ArrowLeftOutlined />} style={{ paddingInline: 0 }}>
        {t('applications.detail.back')}
      </Button>
    </Link>
  );
  if (query.isPending) {
    return (
      <Flex vertical gap={16}>
        {back}
        <Card>
          <Skeleton active paragraph={{ rows: 6 }} />
        </Card>
      </Flex>
    );
  }
  if (query.isError) {
    if (isStatus(query.error, 404) || isStatus(query.error, 400)) {
      return <Result status="404" title="404" subTitle={t('applications.detail.notFound')} extra={<Button onClick={() => void navigate('/applications')}>{t('applications.detail.back')}</Button>} />;
    }
    return <QueryError error={query.error} onRetry={() => void query.refetch()} />;
  }
  const application = query.data;
  const details = Object.entries(application.details).filter(([, value]) => value !== undefined && value !== null && value !== '');
  const isOpen = application.status === 'in_progress' || application.status === 'returned';

  return (
    <Flex vertical gap={16} data-testid="application-detail">
      {back}
      <Card>
        <Flex justify="space-between" align="start" wrap gap={12}>
          <Flex vertical gap={4}>
            <Space wrap>
              <Typography.Title level={3} style={{ margin: 0 }} className="sw-code" data-testid="application-no">
                {application.applicationNo}
              </Typography.Title>
              <Tag>{name(application.type)}</Tag>
              <StatusTag status={application.status} />
              {application.currentStage?.isOverdue && <OverdueTag />}
            </Space>
            {application.missing.description.length > 0 && isOpen && (
              <Typography.Text type="secondary" data-testid="application-missing">
                {application.missing.description.map(pick).join('；')}
              </Typography.Text>
            )}
          </Flex>
          {application.customerId && can('customer.read') && (
            <Button onClick={() => void navigate(`/customers/${application.customerId}`)} data-testid="application-open-customer">
              {t('applications.detail.openCustomer')}
            </Button>
          )}
        </Flex>
        <Descriptions size="small" style={{ marginTop: 16 }} column={{ xs: 1, sm: 2, lg: 3 }}>
          <Descriptions.Item label={t('applications.detail.applicant')}>{application.applicantName}</Descriptions.Item>
          <Descriptions.Item label={t('applications.detail.phone')}>{application.applicantPhoneMasked}</Descriptions.Item>
          <Descriptions.Item label={t('applications.detail.channel')}>{t(`applications.channel.${application.channel}`)}</Descriptions.Item>
          <Descriptions.Item label={t('applications.detail.address')} span={2}>
            {application.address}
          </Descriptions.Item>
          <Descriptions.Item label={t('applications.detail.account')}>
            <span className="sw-code" data-testid="application-account">
              {application.account?.accountNo ?? '—'}
            </span>
          </Descriptions.Item>
          <Descriptions.Item label={t('applications.detail.submittedAt')}>{formatDateTime(application.submittedAt).slice(0, 16)}</Descriptions.Item>
          <Descriptions.Item label={t('applications.detail.dueAt')}>{formatDateTime(application.dueAt).slice(0, 16)}</Descriptions.Item>
          {application.finishedAt && <Descriptions.Item label={t('applications.detail.finishedAt')}>{formatDateTime(application.finishedAt).slice(0, 16)}</Descriptions.Item>}
          {application.meter && <Descriptions.Item label={t('applications.detail.meter')}>{application.meter.serialNo}</Descriptions.Item>}
          {details.map(([key, value]) => (
            <Descriptions.Item key={key} label={t(`applications.detail.detailKeys.${key}`, { defaultValue: key })}>
              {key === 'category' ? t(`applications.detail.category.${String(value)}`, { defaultValue: String(value) }) : String(value)}
            </Descriptions.Item>
          ))}
          {application.reason && (
            <Descriptions.Item label={t('applications.detail.reason')} span={3}>
              <Typography.Text type="warning" data-testid="application-reason">
                {application.reason}
              </Typography.Text>
            </Descriptions.Item>
          )}
        </Descriptions>
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Flex vertical gap={16}>
            <WorkPanel application={application} />
            <Card title={t('applications.detail.materials')}>
              {application.materials.length ? <Materials application={application} canUpload={can('application.create') && isOpen} /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />}
            </Card>
          </Flex>
        </Col>
        <Col xs={24} xl={10}>
          <Flex vertical gap={16}>
            <Card title={t('applications.detail.timeline')}>
              <StageTimeline application={application} />
            </Card>
            <Card title={t('applications.detail.events')} size="small">
              <EventLog events={application.events} stages={application.stages} />
            </Card>
          </Flex>
        </Col>
      </Row>
    </Flex>
  );
}
