import type { Clock } from './clock';
import type { Config } from './config';
import type { PersonalDataCipher } from './crypto';
import type { Database } from './db/database';

/** What every module's services are given: configuration, the database, the clock and the cipher. */
export interface PlatformContext {
  config: Config;
  db: Database;
  clock: Clock;
  cipher: PersonalDataCipher;
}
