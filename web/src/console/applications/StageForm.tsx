/**
 * The form of the current stage: exactly the outputs the stage must produce, by their specification
 * (server/src/modules/applications/outputs.ts) — text, dates, amounts in yuan sent as fen, readings in m³ sent
 * as litres, whole numbers within bounds, choices, budget lines with their total, the stage's own files, the
 * reading route of a new account — checked here first and with the server's field errors shown beside them.
 */
import { DeleteOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { App, Button, DatePicker, Flex, Form, Input, InputNumber, Radio, Select, Space, Typography, Upload } from 'antd';
import type { Rule } from 'antd/es/form';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatYuan, parseCubicMetres, parseYuan } from '../../shared/money';
import { MutationErrorAlert } from '../components/MutationErrorAlert';
import { applyFieldErrors, errorMessage } from '../utils/errors';
import { toIsoDate } from '../utils/format';
import { useAddDocument, useAdvance, useRouteChoices } from './hooks';
import { DocumentList, FileTooLarge, NotADocument, outputLabel, prepareDocument, useBilingual } from './parts';
import type { ApplicationDetail, OutputSpec, StageProgress } from './types';

type FormValues = { outputs: Record<string, unknown>; note?: string };

/** The files a stage has uploaded so far: shown, counted, and added to (photos or PDFs). */
function StageFiles({ application, stage, spec, onCount }: { application: ApplicationDetail; stage: StageProgress; spec: OutputSpec; onCount: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const add = useAddDocument();
  const files = application.documents.filter((document) => document.stage === stage.code);
  const min = spec.min ?? 1;
  return (
    <Flex vertical gap={8} data-testid={`stage-files-${spec.key}`}>
      <DocumentList applicationId={application.id} documents={files} />
      <Space wrap>
        <Upload
          accept="image/*,application/pdf"
          showUploadList={false}
          multiple
          beforeUpload={(file) => {
            void (async () => {
              try {
                const upload = await prepareDocument(file, true);
                await add.mutateAsync({ id: application.id, stage: stage.code, file: upload });
                onCount();
              } catch (error) {
                if (error instanceof NotADocument) void message.error(t('applications.form.notAPhoto'));
                else if (error instanceof FileTooLarge) void message.error(t('applications.form.tooLarge'));
                else void message.error(errorMessage(error, i18n.language, t('common.unexpectedError')));
              }
            })();
            return false;
          }}
        >
          <Button icon={<UploadOutlined />} loading={add.isPending} data-testid={`stage-upload-${spec.key}`}>
            {add.isPending ? t('applications.form.uploading') : t('applications.form.uploadFile')}
          </Button>
        </Upload>
        <Typography.Text type={files.length >= min ? 'success' : 'secondary'} data-testid={`stage-file-count-${spec.key}`}>
          {t('applications.form.files', { count: files.length, min })}
        </Typography.Text>
      </Space>
    </Flex>
  );
}

function BudgetLines({ label, form }: { label: string; form: ReturnType<typeof Form.useForm<FormValues>>[0] }) {
  const { t } = useTranslation();
  const lines = (Form.useWatch(['outputs', 'lines'], form) ?? []) as { item?: string; amount?: string }[];
  const total = lines.reduce((sum, line) => sum + (parseYuan(line?.amount ?? '') ?? 0), 0);
  return (
    <Form.Item label={label} required>
      <Form.List
        name={['outputs', 'lines']}
        rules={[
          {
            validator: async (_, value: unknown[] | undefined) => {
              if (!value || value.length === 0) throw new Error(t('applications.form.linesRequired'));
            },
          },
        ]}
      >
        {(fields, { add, remove }, { errors }) => (
          <Flex vertical gap={0} data-testid="budget-lines">
            {fields.map((field) => (
              <Space key={field.key} align="start" wrap={false}>
                <Form.Item name={[field.name, 'item']} rules={[{ required: true, whitespace: true, max: 60, message: t('applications.form.required', { label: t('applications.form.lineItem') }) }]}>
                  <Input placeholder={t('applications.form.lineItem')} maxLength={60} style={{ width: 240 }} data-testid="budget-item" />
                </Form.Item>
                <Form.Item
                  name={[field.name, 'amount']}
                  rules={[{ validator: async (_, value: string | undefined) => { if (parseYuan(value ?? '') === null) throw new Error(t('applications.form.yuan')); } }]}
                >
                  <Input placeholder={t('applications.form.lineAmount')} prefix="¥" style={{ width: 160 }} inputMode="decimal" data-testid="budget-amount" />
                </Form.Item>
                <Button type="text" icon={<DeleteOutlined />} aria-label={t('common.delete')} onClick={() => remove(field.name)} />
              </Space>
            ))}
            <Form.ErrorList errors={errors} />
            <Flex justify="space-between" align="center" style={{ maxWidth: 460 }}>
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ item: '', amount: '' })} disabled={fields.length >= 50} data-testid="budget-add">
                {t('applications.form.addLine')}
              </Button>
              <Typography.Text strong data-testid="budget-form-total">
                {t('applications.form.linesTotal', { total: formatYuan(total) })}
              </Typography.Text>
            </Flex>
          </Flex>
        )}
      </Form.List>
    </Form.Item>
  );
}

/** The client-side rules of one output, mirroring outputs.ts. */
function rulesOf(spec: OutputSpec, label: string, t: (key: string, options?: Record<string, unknown>) => string): Rule[] {
  const required: Rule = { required: spec.required, message: t('applications.form.required', { label }) };
  switch (spec.kind) {
    case 'text':
      return [{ ...required, whitespace: true }, { max: 500, message: t('applications.form.text') }];
    case 'integer':
      return [required, { type: 'integer', min: spec.min, max: spec.max, message: t('applications.form.integer', { min: spec.min ?? '', max: spec.max ?? '' }) }];
    case 'fen':
      return [required, { validator: async (_, value: string | undefined) => { if (value && parseYuan(value) === null) throw new Error(t('applications.form.yuan')); } }];
    case 'litres':
      return [required, { validator: async (_, value: string | undefined) => { if (value && parseCubicMetres(value) === null) throw new Error(t('applications.form.cubicMetres')); } }];
    default:
      return [required];
  }
}

/** The outputs as the API wants them: fen and litres as integers, dates as YYYY-MM-DD, no file outputs (uploaded). */
function outputsOf(specs: readonly OutputSpec[], values: Record<string, unknown>): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  for (const spec of specs) {
    const value = values[spec.key];
    if (spec.kind === 'attachments' || value === undefined || value === null || value === '') continue;
    if (spec.kind === 'fen') outputs[spec.key] = parseYuan(String(value));
    else if (spec.kind === 'litres') outputs[spec.key] = parseCubicMetres(String(value));
    else if (spec.kind === 'date') outputs[spec.key] = toIsoDate(value as Parameters<typeof toIsoDate>[0]);
    else if (spec.kind === 'lines') outputs[spec.key] = (value as { item: string; amount: string }[]).map((line) => ({ item: line.item.trim(), amountFen: parseYuan(line.amount) }));
    else if (typeof value === 'string') outputs[spec.key] = value.trim();
    else outputs[spec.key] = value;
  }
  return outputs;
}

export function StageForm({ application, stage, onSegregation }: { application: ApplicationDetail; stage: StageProgress; onSegregation: (error: unknown) => boolean }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { english, pick } = useBilingual();
  const [form] = Form.useForm<FormValues>();
  const advance = useAdvance();
  const [unmatched, setUnmatched] = useState<string[]>([]);
  const needsRoutes = stage.outputs.some((spec) => spec.kind === 'uuid' && spec.key === 'routeId');
  const routes = useRouteChoices(needsRoutes);
  const stageFileCount = application.documents.filter((document) => document.stage === stage.code).length;

  const submit = async (values: FormValues) => {
    setUnmatched([]);
    try {
      const note = values.note?.trim();
      const detail = await advance.mutateAsync({ id: application.id, version: application.version, stage: stage.code, outputs: outputsOf(stage.outputs, values.outputs ?? {}), ...(note ? { note } : {}) });
      form.resetFields();
      void message.success(detail.status === 'completed' ? t('applications.actions.completed') : t('applications.actions.advanced', { stage: english ? stage.nameEn : stage.name }));
    } catch (error) {
      if (onSegregation(error)) return;
      // Server fields are outputs.<key> (and outputs.<key> of budget lines as a whole); materials.<code> have no field here.
      setUnmatched(applyFieldErrors(form, error, i18n.language));
    }
  };

  return (
    <Form<FormValues> form={form} layout="vertical" onFinish={(values) => void submit(values)} onFinishFailed={() => void message.warning(t('common.formInvalid'))} data-testid="stage-form" data-stage={stage.code} requiredMark>
      {stage.outputs.map((spec) => {
        const label = outputLabel(spec, english);
        const name = ['outputs', spec.key];
        switch (spec.kind) {
          case 'attachments':
            return (
              <Form.Item
                key={spec.key}
                label={label}
                name={name}
                required={spec.required}
                rules={[
                  {
                    validator: async () => {
                      const min = spec.min ?? 1;
                      if (spec.required && stageFileCount < min) throw new Error(t('applications.form.filesRequired', { label, min }));
                    },
                  },
                ]}
              >
                <StageFiles application={application} stage={stage} spec={spec} onCount={() => form.setFields([{ name, errors: [] }])} />
              </Form.Item>
            );
          case 'lines':
            return <BudgetLines key={spec.key} label={label} form={form} />;
          case 'text':
            return (
              <Form.Item key={spec.key} label={label} name={name} rules={rulesOf(spec, label, t)}>
                {spec.key === 'notes' ? <Input.TextArea rows={3} maxLength={500} showCount data-testid={`output-${spec.key}`} /> : <Input maxLength={500} data-testid={`output-${spec.key}`} />}
              </Form.Item>
            );
          case 'date':
            return (
              <Form.Item key={spec.key} label={label} name={name} rules={rulesOf(spec, label, t)}>
                <DatePicker style={{ width: 200 }} data-testid={`output-${spec.key}`} />
              </Form.Item>
            );
          case 'fen':
            return (
              <Form.Item key={spec.key} label={label} name={name} rules={rulesOf(spec, label, t)}>
                <Input prefix="¥" suffix={t('applications.form.unitYuan')} style={{ width: 220 }} inputMode="decimal" data-testid={`output-${spec.key}`} />
              </Form.Item>
            );
          case 'litres':
            return (
              <Form.Item key={spec.key} label={label} name={name} rules={rulesOf(spec, label, t)}>
                <Input suffix={t('applications.form.unitCubicMetres')} style={{ width: 220 }} inputMode="decimal" data-testid={`output-${spec.key}`} />
              </Form.Item>
            );
          case 'integer':
            return (
              <Form.Item key={spec.key} label={label} name={name} rules={rulesOf(spec, label, t)}>
                <InputNumber min={spec.min} max={spec.max} precision={0} style={{ width: 200 }} data-testid={`output-${spec.key}`} />
              </Form.Item>
            );
          case 'choice':
            return (
              <Form.Item key={spec.key} label={label} name={name} rules={rulesOf(spec, label, t)}>
                <Radio.Group data-testid={`output-${spec.key}`} options={(spec.options ?? []).map((option) => ({ value: option.value, label: pick(option) }))} />
              </Form.Item>
            );
          case 'uuid':
            return (
              <Form.Item key={spec.key} label={label} name={name} rules={rulesOf(spec, label, t)}>
                {spec.key === 'routeId' ? (
                  <Select
                    showSearch
                    optionFilterProp="label"
                    style={{ maxWidth: 360 }}
                    placeholder={t('applications.form.route')}
                    loading={routes.isPending}
                    notFoundContent={t('applications.form.noRoutes')}
                    options={(routes.data ?? []).map((route) => ({ value: route.id, label: `${route.code} ${route.name}` }))}
                    data-testid={`output-${spec.key}`}
                  />
                ) : (
                  <Input placeholder={t('applications.form.uuid')} data-testid={`output-${spec.key}`} />
                )}
              </Form.Item>
            );
          default:
            return null;
        }
      })}
      <Form.Item label={t('applications.actions.note')} name="note" rules={[{ max: 500 }]}>
        <Input.TextArea rows={2} maxLength={500} data-testid="stage-note" />
      </Form.Item>
      <MutationErrorAlert error={advance.error && !onSegregationCheck(advance.error) ? advance.error : null} unmatched={unmatched} />
      <Button type="primary" htmlType="submit" loading={advance.isPending} data-testid="stage-submit">
        {t('applications.actions.advance')}
      </Button>
    </Form>
  );
}

/** A segregation refusal is shown by the page in its own box, not as a form error. */
const onSegregationCheck = (error: unknown) => typeof error === 'object' && error !== null && 'body' in error && (error as { body: { code: string } }).body.code === 'segregation_of_duties';
