-- A run store as schema 1 wrote it (before quotas: no bytes, no touched), with one run.
CREATE TABLE reglab_meta (name VARCHAR(40) PRIMARY KEY, value VARCHAR(200) NOT NULL);
INSERT INTO reglab_meta (name, value) VALUES ('schema', '1');
CREATE TABLE reglab_runs (
    key VARCHAR(32) PRIMARY KEY,
    owner VARCHAR(64) NOT NULL,
    seq INTEGER NOT NULL,
    task VARCHAR(80) NOT NULL,
    label VARCHAR(200) NOT NULL,
    payload TEXT NOT NULL,
    status VARCHAR(20) NOT NULL,
    reason TEXT NOT NULL,
    created FLOAT NOT NULL,
    started FLOAT,
    ended FLOAT,
    live TEXT,
    result TEXT,
    server VARCHAR(120) NOT NULL,
    revision INTEGER NOT NULL,
    epochs INTEGER NOT NULL,
    CONSTRAINT reglab_runs_owner_seq UNIQUE (owner, seq)
);
CREATE INDEX reglab_runs_by_status ON reglab_runs (status);
CREATE TABLE reglab_epochs (
    run_key VARCHAR(32) NOT NULL,
    position INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (run_key, position)
);
CREATE TABLE reglab_servers (name VARCHAR(120) PRIMARY KEY, beat FLOAT NOT NULL);
INSERT INTO reglab_runs VALUES (
    'a1b2c3d4e5f6a1b2c3d4e5f6', 'learner-v1', 1, 'core.training.lab_task:run_training',
    'digits 64-64', '{"kind":"TrainingPayload","config":{"units":[64,64]},"data_dir":null}',
    'finished', '', 1790000000.0, 1790000001.0, 1790000009.0, NULL, NULL, 'old-server', 3, 2
);
INSERT INTO reglab_epochs VALUES ('a1b2c3d4e5f6a1b2c3d4e5f6', 0, '{"epoch":1,"loss":0.9}');
INSERT INTO reglab_epochs VALUES ('a1b2c3d4e5f6a1b2c3d4e5f6', 1, '{"epoch":2,"loss":0.5}')
