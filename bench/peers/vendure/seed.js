// Seeds a Vendure SQLite file: `node seed.js DATABASE PORT CUSTOMERS`.
//
// Vendure makes its own schema (synchronize) and initial data (populate), then creates one
// customer through its Admin API: a verified user with a bcrypt password (Vendure's own
// strategy and cost) and an address. The other customers are copies of that one's rows in
// Vendure's own tables, with their own email and names: hashing 20,000 bcrypt passwords would
// measure the seeding, and Gatehouse's seed likewise shares one password hash.
'use strict';

const fs = require('fs');
const { bootstrap } = require('@vendure/core');
const { populate } = require('@vendure/core/cli');
const Database = require('better-sqlite3');
const { vendureConfig, SUPERADMIN, PASSWORD } = require('./config');

const INITIAL_DATA = {
    defaultLanguage: 'en',
    defaultZone: 'Europe',
    countries: [{ name: 'Netherlands', code: 'NL', zone: 'Europe' }],
    taxRates: [],
    shippingMethods: [],
    paymentMethods: [],
    collections: [],
};

function email(i) {
    return `customer${i}@vendure.test`;
}

async function adminApi(url, query, variables, token) {
    const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
    });
    const payload = await response.json();
    if (payload.errors) {
        throw new Error(`Admin API: ${JSON.stringify(payload.errors)}`);
    }
    return { data: payload.data, token: response.headers.get('vendure-auth-token') };
}

async function createTemplate(url) {
    const login = await adminApi(
        url,
        'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { ... on CurrentUser { id } } }',
        { u: SUPERADMIN, p: PASSWORD },
    );
    const created = await adminApi(
        url,
        `mutation($input: CreateCustomerInput!, $password: String) {
            createCustomer(input: $input, password: $password) {
                ... on Customer { id } ... on ErrorResult { errorCode message } } }`,
        {
            input: { firstName: 'Jan0', lastName: 'de Boer', emailAddress: email(0), phoneNumber: '+31 20 000 0000' },
            password: PASSWORD,
        },
        login.token,
    );
    const customerId = created.data.createCustomer.id;
    if (!customerId) {
        throw new Error(`createCustomer: ${JSON.stringify(created.data)}`);
    }
    await adminApi(
        url,
        `mutation($id: ID!, $input: CreateAddressInput!) { createCustomerAddress(customerId: $id, input: $input) { id } }`,
        { id: customerId, input: { streetLine1: 'Bloemenweg 0', city: 'Aalsmeer', postalCode: '1431 AA', countryCode: 'NL' } },
        login.token,
    );
    return Number(customerId);
}

const statements = new Map();

function prepared(db, sql) {
    if (!statements.has(sql)) {
        statements.set(sql, db.prepare(sql));
    }
    return statements.get(sql);
}

// Inserts a copy of `row` without its id, with `changes`; returns the new row's id.
function insertCopy(db, table, row, changes) {
    const values = { ...row, ...changes };
    delete values.id;
    const columns = Object.keys(values);
    const sql = `INSERT INTO "${table}" (${columns.map(c => `"${c}"`).join(', ')}) VALUES (${columns.map(c => '@' + c).join(', ')})`;
    return Number(prepared(db, sql).run(values).lastInsertRowid);
}

function cloneCustomers(database, templateId, count) {
    const db = new Database(database);
    const one = (sql, ...args) => db.prepare(sql).get(...args);
    const all = (sql, ...args) => db.prepare(sql).all(...args);
    const customer = one('SELECT * FROM customer WHERE id = ?', templateId);
    const user = one('SELECT * FROM user WHERE id = ?', customer.userId);
    const methods = all('SELECT * FROM authentication_method WHERE userId = ?', user.id);
    const addresses = all('SELECT * FROM address WHERE customerId = ?', customer.id);
    const channels = all('SELECT * FROM customer_channels_channel WHERE customerId = ?', customer.id);
    const roles = all('SELECT * FROM user_roles_role WHERE userId = ?', user.id);
    const history = all('SELECT * FROM history_entry WHERE customerId = ?', customer.id);
    const copy = db.transaction(() => {
        for (let i = 1; i < count; i++) {
            const address = email(i);
            const userId = insertCopy(db, 'user', user, { identifier: address });
            for (const method of methods) {
                insertCopy(db, 'authentication_method', method, { userId, identifier: address });
            }
            const customerId = insertCopy(db, 'customer', customer, {
                userId, emailAddress: address, firstName: `Jan${i}`, phoneNumber: `+31 20 ${String(i).padStart(7, '0')}`,
            });
            for (const row of addresses) {
                insertCopy(db, 'address', row, { customerId, streetLine1: `Bloemenweg ${i}` });
            }
            for (const row of channels) {
                prepared(db, 'INSERT INTO customer_channels_channel (customerId, channelId) VALUES (?, ?)').run(customerId, row.channelId);
            }
            for (const row of roles) {
                prepared(db, 'INSERT INTO user_roles_role (userId, roleId) VALUES (?, ?)').run(userId, row.roleId);
            }
            for (const row of history) {
                insertCopy(db, 'history_entry', row, { customerId });
            }
        }
    });
    copy();
    db.close();
}

async function main() {
    const [database, port, count] = process.argv.slice(2);
    for (const suffix of ['', '-journal', '-wal', '-shm']) {
        fs.rmSync(database + suffix, { force: true });
    }
    const config = vendureConfig({ database, port: Number(port), synchronize: true });
    const app = await populate(() => bootstrap(config), INITIAL_DATA);
    const templateId = await createTemplate(`http://127.0.0.1:${port}/admin-api`);
    await app.close();
    cloneCustomers(database, templateId, Number(count));
}

main().then(
    () => process.exit(0),
    error => {
        console.error(error);
        process.exit(1);
    },
);
