-- One spelling in code and tables: licence (the API path /license-position is PRODUCT.md's and stays).
ALTER TABLE license_positions RENAME TO licence_positions;
ALTER INDEX license_positions_profile RENAME TO licence_positions_profile;
ALTER TABLE licence_positions RENAME CONSTRAINT license_positions_pkey TO licence_positions_pkey;
ALTER TABLE licence_positions RENAME CONSTRAINT license_positions_profile_id_fkey TO licence_positions_profile_id_fkey;
ALTER TABLE licence_positions RENAME CONSTRAINT license_positions_model_id_fkey TO licence_positions_model_id_fkey;
ALTER TABLE licence_positions RENAME CONSTRAINT license_positions_position_check TO licence_positions_position_check;
