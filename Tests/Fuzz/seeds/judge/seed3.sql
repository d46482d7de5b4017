SELECT 1 FROM {prefix}pet_t WHERE id = 'x\'' -- c
