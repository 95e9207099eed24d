-- Sign-in failures are counted in memory, atomically, by account and address (auth/throttle.rs).
DROP TABLE login_failures;
