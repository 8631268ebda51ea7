import path from 'node:path';
import { createAuditStore, DEFAULT_AUDIT_LOG_FILE, describeAuditStore } from './createAuditStore';
import { FileAuditStore } from './FileAuditStore';
import { PgAuditStore } from './PgAuditStore';

describe('createAuditStore', () => {
  it('uses PostgreSQL when DATABASE_URL is set, and the file otherwise', async () => {
    const pg = createAuditStore({ DATABASE_URL: 'postgres://gateway:hunter2@127.0.0.1:5432/patientgraph', AUDIT_LOG_TABLE: 'audit.access_log' });
    expect(pg).toBeInstanceOf(PgAuditStore);
    expect((pg as PgAuditStore).table).toBe('"audit"."access_log"');
    await pg.close();

    const file = createAuditStore({});
    expect(file).toBeInstanceOf(FileAuditStore);
    expect((file as FileAuditStore).file).toBe(path.resolve(__dirname, '..', '..', 'var', 'access-log.jsonl'));
    expect(DEFAULT_AUDIT_LOG_FILE).toBe((file as FileAuditStore).file);
    expect((createAuditStore({ AUDIT_LOG_FILE: '/srv/audit/log.jsonl' }) as FileAuditStore).file).toBe('/srv/audit/log.jsonl');
  });
});

describe('describeAuditStore', () => {
  it('names host, port and database, never the user or password', () => {
    const line = describeAuditStore({ DATABASE_URL: 'postgresql://gateway:hunter2@db.internal:6543/patientgraph?sslmode=require&password=hunter3' });
    expect(line).toBe('PostgreSQL at db.internal:6543/patientgraph');
    expect(describeAuditStore({ DATABASE_URL: 'postgres://postgres@127.0.0.1/test' })).toBe('PostgreSQL at 127.0.0.1:5432/test');
    expect(describeAuditStore({ DATABASE_URL: 'host=db password=hunter2 dbname=x' })).toBe('PostgreSQL (DATABASE_URL)');
  });

  it('names the file, relative to the repository when it is inside it', () => {
    expect(describeAuditStore({})).toBe('file var/access-log.jsonl');
    expect(describeAuditStore({ AUDIT_LOG_FILE: '/srv/audit/log.jsonl' })).toBe('file /srv/audit/log.jsonl');
  });
});
