-- Trainers of the university partner get accounts of their own role.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('admin', 'coordinator', 'operator', 'municipal_officer', 'mediator', 'trainer'));
