// Vendure as a plain production install would run it: defaults everywhere except what the
// bench needs said out loud (bearer tokens, SQLite through better-sqlite3, a port, a superadmin
// password that is not the default, which Vendure refuses under NODE_ENV=production).
'use strict';

// Vendure sends anonymous telemetry from bootstrap unless told not to; the bench talks to this
// machine alone.
process.env.VENDURE_DISABLE_TELEMETRY = 'true';

const { DefaultLogger, LogLevel } = require('@vendure/core');

const SUPERADMIN = 'superadmin';
// The seeded accounts' password on both sides (bench/seed.py PASSWORD).
const PASSWORD = 'Bench-Tulips-2026';

function vendureConfig({ database, port, synchronize }) {
    return {
        apiOptions: { hostname: '127.0.0.1', port, adminApiPath: 'admin-api', shopApiPath: 'shop-api' },
        authOptions: {
            tokenMethod: 'bearer',
            requireVerification: true,
            superadminCredentials: { identifier: SUPERADMIN, password: PASSWORD },
        },
        dbConnectionOptions: {
            type: 'better-sqlite3',
            database,
            // The schema is made once, when the bench seeds; the server only reads it.
            synchronize,
            logging: false,
        },
        paymentOptions: { paymentMethodHandlers: [] },
        logger: new DefaultLogger({ level: LogLevel.Info }),
        plugins: [],
    };
}

module.exports = { vendureConfig, SUPERADMIN, PASSWORD };
