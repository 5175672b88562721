export { registerOpen311Routes } from './routes';
export { processQueue as processOpen311Queue } from './requests';
export { issueApiKey as issueOpen311ApiKey } from './keys';
