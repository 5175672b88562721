/**
 * 办理进度: one application, fetched again every few seconds while it is open so the customer watches it move —
 * every stage in order with its state, the post handling the current one and its deadline, what is missing
 * (returned for more documents: add them here and submit again), the documents sent, the history; and when a
 * new connection completes, the new account number with the way to it.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Dialog, TextArea, Toast } from 'antd-mobile';
import { useState, type ReactElement } from 'react';
import { useLocation, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { fetchAccounts, queryKeys } from '../api';
import { Page } from '../components/Page';
import { CardSkeleton, ErrorState, errorText } from '../components/states';
import { applicationKeys, documentUrl, fetchApplication, PROGRESS_REFRESH_MS, resubmitApplication, type ApplicationDetail } from './ApplicationApi';
import { ApplicationStatusTag, MAX_FILES_PER_MATERIAL, MaterialFiles, ProgressSteps, releaseFiles, uploadFiles, useApplicationText, type PickedFile } from './ApplicationParts';
import { fill } from './PayMessages';
import { formatDateTime } from './PayParts';

const isOpen = (detail: ApplicationDetail | undefined) => detail?.status === 'in_progress' || detail?.status === 'returned';

export function ApplicationDetailPage(): ReactElement {
  const { id = '' } = useParams();
  const { text } = useApplicationText();
  const location = useLocation();
  const submittedNo = (location.state as { submittedNo?: string } | null)?.submittedNo ?? null;
  const detail = useQuery({
    queryKey: applicationKeys.one(id),
    queryFn: () => fetchApplication(id),
    // Live while open; a finished application does not change any more.
    refetchInterval: (query) => (isOpen(query.state.data) ? PROGRESS_REFRESH_MS : false),
  });
  let body: ReactElement;
  if (detail.isPending) body = <CardSkeleton count={3} />;
  else if (detail.isError) body = <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />;
  else body = <Progress detail={detail.data} submittedNo={submittedNo} updatedAt={detail.dataUpdatedAt} />;
  return (
    <Page title={text.detailTitle} back testId="application-detail-page">
      <div className="portal-content">{body}</div>
    </Page>
  );
}

function Progress({ detail, submittedNo, updatedAt }: { detail: ApplicationDetail; submittedNo: string | null; updatedAt: number }): ReactElement {
  const { text, named, bilingual, language } = useApplicationText();
  const current = detail.stages.find((stage) => stage.state === 'current');
  const stageName = (code: string | null) => {
    const stage = detail.stages.find((item) => item.code === code);
    return stage ? named(stage) : '';
  };
  return (
    <div className="portal-stack">
      {submittedNo === detail.applicationNo && (
        <section className="portal-notice portal-notice-info apl-submitted" role="status" data-testid="application-submitted">
          <strong>{text.submittedTitle}</strong>
          <span>{fill(text.submittedNo, { no: detail.applicationNo })}</span>
        </section>
      )}
      <section className="portal-card" data-testid="application-summary">
        <div className="apl-card-head">
          <h2 className="apl-title">{named(detail.type)}</h2>
          <ApplicationStatusTag status={detail.status} />
        </div>
        <dl className="apl-facts">
          <dt>{text.applicationNo}</dt>
          <dd className="apl-mono" data-testid="application-no">
            {detail.applicationNo}
          </dd>
          <dt>{text.submittedAt}</dt>
          <dd>{formatDateTime(detail.submittedAt, language)}</dd>
          {detail.finishedAt ? (
            <>
              <dt>{text.finishedAt}</dt>
              <dd>{formatDateTime(detail.finishedAt, language)}</dd>
            </>
          ) : (
            <>
              <dt>{text.dueAt}</dt>
              <dd>{formatDateTime(detail.dueAt, language)}</dd>
            </>
          )}
          <dt>{text.addressLabel}</dt>
          <dd>{detail.address}</dd>
        </dl>
        {isOpen(detail) && (
          <p className="apl-live" data-testid="application-live">
            <span className="apl-live-dot" aria-hidden="true" />
            {text.live} · {fill(text.updatedAt, { time: new Date(updatedAt).toLocaleTimeString(language.startsWith('en') ? 'en-GB' : 'zh-CN', { hour12: false }) })}
          </p>
        )}
      </section>

      {detail.status === 'completed' && detail.account && <NewAccount account={detail.account} applicantName={detail.applicantName} />}
      {detail.status === 'rejected' && (
        <section className="portal-card apl-rejected" data-testid="application-rejected">
          <h3 className="apl-subtitle">{text.rejectedTitle}</h3>
          {detail.reason && <p>{detail.reason}</p>}
        </section>
      )}

      {current && detail.status === 'in_progress' && (
        <section className="portal-card apl-now" data-testid="application-now">
          <div>
            <div className="portal-label">{text.currentStage}</div>
            <div className="apl-now-value" data-testid="application-current-stage">
              {named(current)}
            </div>
          </div>
          <div>
            <div className="portal-label">{text.handledBy}</div>
            <div className="apl-now-value" data-testid="application-holder">
              {bilingual(current.roleName)}
            </div>
          </div>
          {current.dueAt && (
            <div className="apl-now-wide">
              <div className="portal-label">{text.stageDue}</div>
              <div className={`apl-now-value${current.isOverdue ? ' apl-overdue' : ''}`} data-testid="application-stage-due">
                {formatDateTime(current.dueAt, language)}
                {current.isOverdue ? ` · ${text.overdue}` : ''}
              </div>
            </div>
          )}
        </section>
      )}

      {(detail.status === 'returned' || (detail.status === 'in_progress' && detail.missing.materials.length > 0)) && <Missing detail={detail} />}

      <section className="portal-card">
        <h3 className="apl-subtitle">{text.progress}</h3>
        <ProgressSteps stages={detail.stages} status={detail.status} />
      </section>

      <Documents detail={detail} />

      <section className="portal-card">
        <h3 className="apl-subtitle">{text.history}</h3>
        <ol className="apl-history" data-testid="application-history">
          {[...detail.events].reverse().map((event, index) => (
            <li key={`${event.at}-${index}`} data-kind={event.kind}>
              <span className="apl-history-time">{formatDateTime(event.at, language)}</span>
              <span className="apl-history-what">
                {event.kind === 'stage_done' ? `${stageName(event.stageCode)} ${text.events.stage_done}` : (text.events[event.kind] ?? text.eventOther)}
                {event.kind === 'claimed' && event.stageCode ? ` · ${stageName(event.stageCode)}` : ''}
              </span>
              {event.note && <span className="apl-history-note">{event.note}</span>}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

function NewAccount({ account, applicantName }: { account: { id: string; accountNo: string }; applicantName: string }): ReactElement {
  const { text } = useApplicationText();
  const navigate = useNavigate();
  const accounts = useQuery({ queryKey: queryKeys.accounts, queryFn: fetchAccounts });
  const isBound = accounts.data?.some((item) => item.id === account.id) ?? false;
  return (
    <section className="portal-card apl-account" data-testid="application-account">
      <h3 className="apl-subtitle">{text.newAccountTitle}</h3>
      <div className="portal-label">{text.newAccountLabel}</div>
      <div className="apl-account-no apl-mono" data-testid="application-account-no">
        {account.accountNo}
      </div>
      {!isBound && <p className="portal-hint">{text.bindAccountHint}</p>}
      <Button
        block
        color="primary"
        fill="outline"
        loading={accounts.isPending}
        onClick={() => void (isBound ? navigate(`/accounts/${encodeURIComponent(account.id)}`) : navigate('/bind', { state: { accountNo: account.accountNo, holderName: applicantName } }))}
        data-testid="application-account-link"
      >
        {isBound ? text.viewAccount : text.bind}
      </Button>
    </section>
  );
}

/** Returned for correction, or documents still missing: what is needed, the way to add documents, and to submit again. */
function Missing({ detail }: { detail: ApplicationDetail }): ReactElement {
  const { text, named, language } = useApplicationText();
  const queryClient = useQueryClient();
  const [files, setFiles] = useState<Record<string, PickedFile[]>>({});
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const picked = detail.materials.flatMap((material) => (files[material.code] ?? []).map((file) => ({ material: material.code, file })));
  const pending = picked.filter(({ file }) => file.status !== 'done');
  const uploading = picked.some(({ file }) => file.status === 'uploading');
  const updateFile = (key: string, change: Partial<PickedFile>) =>
    setFiles((current) => Object.fromEntries(Object.entries(current).map(([code, list]) => [code, list.map((file) => (file.key === key ? { ...file, ...change } : file))])));
  const refresh = () => queryClient.invalidateQueries({ queryKey: applicationKeys.one(detail.id) });

  const send = async () => {
    setProblem(null);
    const { failed, problem: first } = await uploadFiles(detail.id, pending, updateFile);
    await refresh();
    if (failed.length > 0) {
      setProblem(`${fill(text.filesFailed, { count: failed.length })}${first instanceof ApiError ? `：${first.messageIn(language)}` : ''}`);
      return false;
    }
    releaseFiles(picked.map(({ file }) => file));
    setFiles({});
    return true;
  };
  const resubmit = useMutation({
    mutationFn: async () => {
      if (pending.length > 0 && !(await send())) return null;
      const latest = await queryClient.fetchQuery({ queryKey: applicationKeys.one(detail.id), queryFn: () => fetchApplication(detail.id), staleTime: 0 });
      if (latest.missing.materials.length > 0) {
        setProblem(text.resubmitNeedsFiles);
        return null;
      }
      return resubmitApplication(detail.id, latest.version, note.trim() || undefined);
    },
    onSuccess: (updated) => {
      if (!updated) return;
      queryClient.setQueryData(applicationKeys.one(detail.id), updated);
      void queryClient.invalidateQueries({ queryKey: applicationKeys.mine });
      setNote('');
      Toast.show({ icon: 'success', content: text.resubmitted });
    },
    onError: (error) => setProblem(errorText(error, language) ?? text.submitFailed),
  });
  const isReturned = detail.status === 'returned';
  return (
    <section className="portal-card apl-missing" data-testid="application-missing">
      <h3 className="apl-subtitle">{text.missingTitle}</h3>
      {isReturned && detail.reason && (
        <p className="apl-reason" data-testid="application-reason">
          <span className="portal-label">{text.returnedReason}</span>
          {detail.reason}
        </p>
      )}
      {detail.missing.materials.length > 0 && (
        <ul className="apl-missing-list">
          {detail.missing.materials.map((material) => (
            <li key={material.code}>{fill(text.materialMissing, { name: named(material) })}</li>
          ))}
        </ul>
      )}
      <h4 className="apl-subtitle apl-subtitle-small">{text.addDocuments}</h4>
      {detail.materials.map((material) => (
        <div key={material.code} className="apl-missing-material">
          <div className="apl-material-label">
            {named(material)}
            {detail.missing.materials.some((item) => item.code === material.code) && <span className="apl-overdue apl-small">{text.materialNeeded}</span>}
          </div>
          <MaterialFiles material={material.code} value={files[material.code] ?? []} onChange={(list) => setFiles((current) => ({ ...current, [material.code]: list }))} room={Math.max(0, MAX_FILES_PER_MATERIAL - material.documents)} disabled={uploading || resubmit.isPending} />
        </div>
      ))}
      {isReturned && <TextArea className="apl-note" placeholder={text.resubmitNote} value={note} onChange={setNote} maxLength={500} autoSize={{ minRows: 2, maxRows: 4 }} />}
      {problem && (
        <p className="portal-notice portal-notice-error" role="alert" data-testid="application-missing-error">
          {problem}
        </p>
      )}
      {isReturned ? (
        <Button block color="primary" loading={uploading || resubmit.isPending} onClick={() => resubmit.mutate()} data-testid="application-resubmit">
          {text.resubmit}
        </Button>
      ) : (
        <Button block color="primary" disabled={pending.length === 0} loading={uploading} onClick={() => void send()} data-testid="application-add-documents">
          {text.addDocuments}
        </Button>
      )}
    </section>
  );
}

function Documents({ detail }: { detail: ApplicationDetail }): ReactElement {
  const { text, named } = useApplicationText();
  const mine = detail.documents.filter((document) => document.material !== null);
  const materialName = (code: string | null) => {
    const material = detail.materials.find((item) => item.code === code);
    return material ? named(material) : '';
  };
  const open = (url: string) => void Dialog.alert({ content: <img src={url} alt="" className="apl-document-full" />, confirmText: text.close, closeOnMaskClick: true });
  return (
    <section className="portal-card">
      <h3 className="apl-subtitle">{text.myDocuments}</h3>
      {mine.length === 0 ? (
        <p className="portal-hint">{text.noDocuments}</p>
      ) : (
        <ul className="apl-documents" data-testid="application-documents">
          {mine.map((document) => {
            const url = documentUrl(detail.id, document.id);
            const isPhoto = document.contentType !== 'application/pdf' && document.contentType !== 'image/heic';
            return (
              <li key={document.id} data-testid="application-document" data-type={document.contentType}>
                {isPhoto ? (
                  <button type="button" className="apl-document-thumb" onClick={() => open(url)} aria-label={text.openFile}>
                    <img src={url} alt="" loading="lazy" />
                  </button>
                ) : (
                  <a className="apl-document-thumb apl-file-doc" href={url} download={document.fileName ?? undefined} rel="noreferrer">
                    <span className="apl-file-badge">{document.contentType === 'application/pdf' ? text.pdf : 'HEIC'}</span>
                  </a>
                )}
                <span className="apl-document-text">
                  <span className="apl-document-material">{materialName(document.material)}</span>
                  <span className="apl-document-name">{document.fileName ?? ''}</span>
                  <span className="apl-document-size">{Math.max(1, Math.round(document.bytes / 1024))} KB</span>
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
