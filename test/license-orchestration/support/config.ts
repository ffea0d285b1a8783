/** The smallest valid `licenseOrchestration` section: one server, one workbench account, one product. */
export const minimalLicenseSection = () => ({
  licenseServer: {
    account: '111111111111',
    region: 'eu-west-1',
    instanceId: 'i-0123456789abcdef0',
    instanceRoleName: 'license-server',
  },
  workbenchAccounts: [{ account: '222222222222', regions: ['eu-west-1'] }],
  products: [{ name: 'cad-suite', seats: 5, command: '/opt/xlc assign --file "$LICENSE_USERS_FILE"' }],
  workbenchTypes: { cad: ['cad-suite'] },
});
