// One Vendure server process: `node server.js DATABASE PORT` (NODE_ENV=production).
'use strict';

const { bootstrap } = require('@vendure/core');
const { vendureConfig } = require('./config');

const [database, port] = process.argv.slice(2);
bootstrap(vendureConfig({ database, port: Number(port), synchronize: false })).catch(error => {
    console.error(error);
    process.exit(1);
});
