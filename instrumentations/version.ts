/** Name and version the instrumentation reports as its instrumentation scope (checked against package.json by a test). */
export const INSTRUMENTATION_NAME = '@tracegate/instrumentation';
export const PACKAGE_VERSION = '0.1.0';
