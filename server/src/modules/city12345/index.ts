export { registerCity12345Routes, CITY_SIMULATOR_PREFIX } from './routes';
export { deliverReplies as deliverCity12345Replies, MAX_ATTEMPTS as CITY_REPLY_MAX_ATTEMPTS, RETRY_PAUSES_MINUTES as CITY_REPLY_RETRY_PAUSES_MINUTES, type ReplyPayload as City12345ReplyPayload } from './replies';
export { issueLink as issueCity12345Link } from './links';
export { categoryFor as city12345CategoryFor } from './orders';
export { sign as signCity12345, signedHeaders as city12345SignedHeaders, SIGNATURE_HEADERS as CITY_12345_SIGNATURE_HEADERS } from '../../platform/http/partner-signing';
