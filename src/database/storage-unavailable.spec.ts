import { isStorageUnavailable } from './storage-unavailable';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isStorageUnavailable', () => {
  it.each([
    ['starting up', pgError('57P03', 'the database system is starting up')],
    ['shut down by an administrator', pgError('57P01', 'terminating connection due to administrator command')],
    ['crash shutdown', pgError('57P02')],
    ['a connection exception class', pgError('08006')],
    ['too many connections', pgError('53300')],
    ['refused socket', pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a cut connection', new Error('Connection terminated unexpectedly')],
    ['a pool timeout', new Error('timeout exceeded when trying to connect')],
    ['wrapped', new Error('query failed', { cause: pgError('57P03') })],
    ['from another realm', { message: 'connect ECONNREFUSED 127.0.0.1:5432' }],
  ])('%s: yes', (_, error) => expect(isStorageUnavailable(error)).toBe(true));

  it.each([
    ['a unique violation', pgError('23505', 'duplicate key value')],
    ['a syntax error', pgError('42601')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['not an error', 'ECONNREFUSED'],
    ['null', null],
  ])('%s: no', (_, error) => expect(isStorageUnavailable(error)).toBe(false));
});
