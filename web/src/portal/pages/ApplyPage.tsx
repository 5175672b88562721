/**
 * 我要办理: choose a type (/applications/new), then fill only what it asks (/applications/new/:type) — the
 * address for a new connection, the bound account for the others, the new holder or the new water use where
 * the type is about them — attach the documents it lists (photos or PDFs), and submit: the application number
 * comes back at once (no fee), then the documents are sent one by one with their progress.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Form, Input, Selector, Tag, TextArea, Toast } from 'antd-mobile';
import { useState, type ReactElement } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { fetchAccounts, queryKeys } from '../api';
import { Page } from '../components/Page';
import { CardSkeleton, EmptyState, ErrorState, errorText } from '../components/states';
import { useSession } from '../session';
import { applicationKeys, fetchProcesses, submitApplication, type AccountClass, type ApplicationDetail, type NewApplication, type ProcessType } from './ApplicationApi';
import { MAX_FILES_PER_MATERIAL, MaterialFiles, releaseFiles, uploadFiles, useApplicationText, type PickedFile } from './ApplicationParts';
import { fill } from './PayMessages';

const CLASSES: AccountClass[] = ['residential', 'non_residential', 'special'];

/** What each kind of application asks beyond the applicant and the documents. */
const ASKS: Record<string, { newHolder?: boolean; category?: 'wanted' | 'new' }> = {
  new_connection: { category: 'wanted' },
  holder_change: { newHolder: true },
  category_change: { category: 'new' },
};

function useProcesses() {
  const session = useSession();
  const tenant = session.data?.tenant.code ?? '';
  return useQuery({ queryKey: applicationKeys.processes(tenant), queryFn: () => fetchProcesses(tenant), enabled: tenant !== '', staleTime: 10 * 60_000 });
}

export function ApplyChoosePage(): ReactElement {
  const { text, named, isEnglish } = useApplicationText();
  const processes = useProcesses();
  let body: ReactElement;
  if (processes.isPending) body = <CardSkeleton count={3} />;
  else if (processes.isError) body = <ErrorState error={processes.error} onRetry={() => void processes.refetch()} />;
  else
    body = (
      <div className="portal-stack">
        {processes.data.processes.map((type) => (
          <Link key={type.code} to={`/applications/new/${encodeURIComponent(type.code)}`} className="portal-card apl-type-card" data-testid="application-type" data-type={type.code}>
            <div className="apl-type-head">
              <span className="apl-type-name">{named(type)}</span>
              <span className="apl-type-days">{fill(text.days, { days: type.totalDays })}</span>
            </div>
            <div className="apl-type-description">{isEnglish ? type.descriptionEn : type.description}</div>
          </Link>
        ))}
      </div>
    );
  return (
    <Page title={text.chooseTitle} back testId="application-choose-page">
      <div className="portal-content">
        <p className="apl-intro">{text.chooseIntro}</p>
        <Link to="/processes" className="portal-link apl-process-link">
          {text.processesTitle} ›
        </Link>
        {body}
      </div>
    </Page>
  );
}

export function ApplyPage(): ReactElement {
  const { type: code = '' } = useParams();
  const { text, named } = useApplicationText();
  const processes = useProcesses();
  const accounts = useQuery({ queryKey: queryKeys.accounts, queryFn: fetchAccounts });
  const type = processes.data?.processes.find((item) => item.code === code);
  let body: ReactElement;
  if (processes.isPending || accounts.isPending) body = <CardSkeleton count={2} />;
  else if (processes.isError) body = <ErrorState error={processes.error} onRetry={() => void processes.refetch()} />;
  else if (accounts.isError) body = <ErrorState error={accounts.error} onRetry={() => void accounts.refetch()} />;
  else if (!type) body = <EmptyState title={text.applyTitle} />;
  else body = <ApplyForm type={type} accounts={accounts.data.map((account) => ({ id: account.id, accountNo: account.accountNo, address: account.fullAddress }))} />;
  return (
    <Page title={type ? named(type) : text.applyTitle} back testId="application-apply-page">
      {body}
    </Page>
  );
}

interface Values {
  applicantName: string;
  accountId: string[];
  district: string;
  street: string;
  address: string;
  category: AccountClass[];
  householdSize: string;
  newHolderName: string;
  note: string;
}

/** Server fields (zod paths and the service's own) → the form's names. */
const FORM_FIELD: Record<string, keyof Values> = {
  applicantName: 'applicantName',
  accountId: 'accountId',
  district: 'district',
  street: 'street',
  address: 'address',
  'details.category': 'category',
  'details.householdSize': 'householdSize',
  'details.newHolderName': 'newHolderName',
  'details.note': 'note',
};

function ApplyForm({ type, accounts }: { type: ProcessType; accounts: { id: string; accountNo: string; address: string }[] }): ReactElement {
  const { text, named, language } = useApplicationText();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<Values>();
  const isConnection = type.code === 'new_connection';
  const asks = ASKS[type.code] ?? {};
  const [files, setFiles] = useState<Record<string, PickedFile[]>>({});
  const [missing, setMissing] = useState<string[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [created, setCreated] = useState<ApplicationDetail | null>(null);
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const accountChoice = Form.useWatch('accountId', form) as string[] | undefined;
  const chosenAccount = accounts.find((account) => account.id === accountChoice?.[0]);
  const category = (Form.useWatch('category', form) as AccountClass[] | undefined)?.[0];

  const allFiles = type.materials.flatMap((material) => (files[material.code] ?? []).map((file) => ({ material: material.code, file })));
  const uploading = allFiles.some(({ file }) => file.status === 'uploading');
  const setMaterialFiles = (code: string, list: PickedFile[]) => {
    setFiles((current) => ({ ...current, [code]: list }));
    if (list.length > 0) setMissing((current) => current.filter((item) => item !== code));
  };
  const updateFile = (key: string, change: Partial<PickedFile>) =>
    setFiles((current) => Object.fromEntries(Object.entries(current).map(([code, list]) => [code, list.map((file) => (file.key === key ? { ...file, ...change } : file))])));

  const finish = (detail: ApplicationDetail) => {
    releaseFiles(allFiles.map(({ file }) => file));
    void queryClient.invalidateQueries({ queryKey: applicationKeys.mine });
    void queryClient.invalidateQueries({ queryKey: applicationKeys.one(detail.id) });
    Toast.show({ icon: 'success', content: text.submittedTitle });
    void navigate(`/applications/${encodeURIComponent(detail.id)}`, { replace: true, state: { submittedNo: detail.applicationNo } });
  };
  const sendFiles = async (detail: ApplicationDetail) => {
    setFileProblem(null);
    const { failed, problem: first } = await uploadFiles(detail.id, allFiles, updateFile);
    if (failed.length === 0) return finish(detail);
    setFileProblem(`${fill(text.filesFailed, { count: failed.length })}${first instanceof ApiError ? `：${first.messageIn(language)}` : ''}`);
  };

  const submit = useMutation({
    mutationFn: submitApplication,
    onSuccess: (detail) => {
      queryClient.setQueryData(applicationKeys.one(detail.id), detail);
      setCreated(detail);
      if (allFiles.length === 0) return finish(detail);
      void sendFiles(detail);
    },
    onError: (error) => {
      setProblem(errorText(error, language) ?? text.submitFailed);
      if (error instanceof ApiError) {
        const fields = error.fieldMessages(language);
        const known = Object.entries(fields).flatMap(([field, message]) => (FORM_FIELD[field] ? [{ name: FORM_FIELD[field], errors: [message] }] : []));
        form.setFields(known);
      }
    },
  });

  const absentMaterials = () => type.materials.filter((material) => material.isRequired && (files[material.code] ?? []).length === 0).map((material) => material.code);
  const onFinish = (values: Values) => {
    setProblem(null);
    if (created) return void sendFiles(created);
    const absent = absentMaterials();
    setMissing(absent);
    if (absent.length > 0) return;
    const details: NonNullable<NewApplication['details']> = {};
    if (asks.category && values.category[0]) details.category = values.category[0];
    if (isConnection && values.householdSize.trim()) details.householdSize = Number(values.householdSize);
    if (asks.newHolder) details.newHolderName = values.newHolderName.trim();
    if (values.note.trim()) details.note = values.note.trim();
    const body: NewApplication = { typeCode: type.code, applicantName: values.applicantName.trim(), ...(Object.keys(details).length > 0 ? { details } : {}) };
    if (isConnection) {
      body.district = values.district.trim();
      body.street = values.street.trim();
      body.address = values.address.trim();
    } else {
      body.accountId = values.accountId[0] ?? '';
    }
    submit.mutate(body);
  };

  if (!isConnection && accounts.length === 0) {
    return (
      <EmptyState title={text.noAccountTitle} description={text.noAccountDescription}>
        <Button color="primary" size="large" className="portal-empty-action" onClick={() => void navigate('/bind')}>
          {text.bind}
        </Button>
      </EmptyState>
    );
  }

  const busy = submit.isPending || uploading;
  const done = allFiles.filter(({ file }) => file.status === 'done').length;
  return (
    <div className="portal-content">
      <p className="portal-notice portal-notice-info apl-fee">{text.feeFree}</p>
      <Form
        name="application"
        form={form}
        layout="vertical"
        mode="card"
        initialValues={{ applicantName: '', accountId: accounts[0] ? [accounts[0].id] : [], district: '', street: '', address: '', category: isConnection ? ['residential'] : [], householdSize: '', newHolderName: '', note: '' }}
        onValuesChange={() => setProblem(null)}
        onFinish={onFinish}
        // The documents are no form fields: say what is missing there too when the fields are refused.
        onFinishFailed={() => setMissing(absentMaterials())}
        footer={
          <>
            {created && (
              <p className="portal-notice portal-notice-info" role="status" data-testid="application-created">
                {fill(text.submittedNo, { no: created.applicationNo })}
              </p>
            )}
            {problem && (
              <p className="portal-notice portal-notice-error" role="alert" data-testid="application-error">
                {problem}
              </p>
            )}
            {fileProblem && created && (
              <div className="portal-notice portal-notice-error apl-file-problem" role="alert" data-testid="application-file-problem">
                <span>{fileProblem}</span>
                <Button size="small" fill="none" color="primary" onClick={() => finish(created)} data-testid="application-files-skip">
                  {text.skipFiles}
                </Button>
              </div>
            )}
            <p className="portal-hint">{text.phoneHint}</p>
            <Button block type="submit" color="primary" size="large" loading={busy} loadingText={uploading ? fill(text.submitting, { done, total: allFiles.length }) : undefined} data-testid="application-submit">
              {created ? text.retryFiles : text.submit}
            </Button>
          </>
        }
      >
        <Form.Header>{text.applicant}</Form.Header>
        <Form.Item name="applicantName" label={text.applicantName} rules={[{ required: true, whitespace: true, message: text.applicantNameRequired }]}>
          <Input placeholder={text.applicantNamePlaceholder} maxLength={100} autoComplete="name" clearable disabled={created !== null} />
        </Form.Item>
        {isConnection ? (
          <>
            <Form.Header>{text.connectionAddress}</Form.Header>
            <Form.Item name="district" label={text.district} rules={[{ required: true, whitespace: true, message: text.districtRequired }]}>
              <Input placeholder={text.districtPlaceholder} maxLength={30} clearable disabled={created !== null} />
            </Form.Item>
            <Form.Item name="street" label={text.street} rules={[{ required: true, whitespace: true, message: text.streetRequired }]}>
              <Input placeholder={text.streetPlaceholder} maxLength={50} clearable disabled={created !== null} />
            </Form.Item>
            <Form.Item name="address" label={text.address} rules={[{ required: true, whitespace: true, min: 2, message: text.addressRequired }]}>
              <Input placeholder={text.addressPlaceholder} maxLength={150} clearable disabled={created !== null} />
            </Form.Item>
          </>
        ) : (
          <Form.Item name="accountId" label={text.account} description={chosenAccount?.address} rules={[{ required: true, type: 'array', min: 1, message: text.accountRequired }]}>
            <Selector className="apl-chips" columns={2} showCheckMark={false} disabled={created !== null} options={accounts.map((account) => ({ label: account.accountNo, value: account.id }))} onChange={(values) => values.length === 0 && chosenAccount && form.setFieldValue('accountId', [chosenAccount.id])} />
          </Form.Item>
        )}
        {asks.newHolder && (
          <Form.Item name="newHolderName" label={text.newHolderName} rules={[{ required: true, whitespace: true, message: text.newHolderNameRequired }]}>
            <Input placeholder={text.newHolderNamePlaceholder} maxLength={100} clearable disabled={created !== null} />
          </Form.Item>
        )}
        {asks.category && (
          <Form.Item name="category" label={asks.category === 'new' ? text.newCategory : text.category} rules={[{ required: true, type: 'array', min: 1, message: text.categoryRequired }]}>
            <Selector className="apl-chips" columns={3} showCheckMark={false} disabled={created !== null} options={CLASSES.map((value) => ({ label: text.categories[value], value }))} onChange={(values) => values.length === 0 && category && form.setFieldValue('category', [category])} />
          </Form.Item>
        )}
        {isConnection && category === 'residential' && (
          <Form.Item name="householdSize" label={text.householdSize} rules={[{ pattern: /^(?:[1-9]|1\d|20)?$/, message: text.householdSizeInvalid }]}>
            <Input type="text" inputMode="numeric" placeholder={text.householdSizePlaceholder} maxLength={2} clearable disabled={created !== null} />
          </Form.Item>
        )}
        {type.materials.length > 0 && <Form.Header>{text.documents}</Form.Header>}
        {type.materials.map((material) => (
          <Form.Item
            key={material.code}
            label={
              <span className="apl-material-label">
                {named(material)}
                <Tag color={material.isRequired ? 'primary' : 'default'} fill="outline">
                  {material.isRequired ? text.required : text.optional}
                </Tag>
              </span>
            }
            description={material === type.materials[0] ? fill(text.documentsHint, { max: MAX_FILES_PER_MATERIAL }) : undefined}
          >
            <MaterialFiles material={material.code} value={files[material.code] ?? []} onChange={(list) => setMaterialFiles(material.code, list)} room={MAX_FILES_PER_MATERIAL} disabled={busy || created !== null} />
            {missing.includes(material.code) && (
              <div className="apl-field-error" role="alert" data-testid="application-material-missing">
                {fill(text.materialMissing, { name: named(material) })}
              </div>
            )}
          </Form.Item>
        ))}
        <Form.Item name="note" label={text.note}>
          <TextArea placeholder={text.notePlaceholder} maxLength={500} showCount autoSize={{ minRows: 2, maxRows: 6 }} disabled={created !== null} />
        </Form.Item>
      </Form>
    </div>
  );
}
