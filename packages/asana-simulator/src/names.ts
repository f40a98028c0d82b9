/** Name pools for seeded people; ASCII only so that emails built from them stay valid. */
export const FIRST_NAMES = [
  'Ada', 'Alan', 'Alice', 'Amara', 'Ana', 'Arjun', 'Ben', 'Bianca', 'Carlos', 'Chen', 'Chloe', 'Dan',
  'Daria', 'David', 'Elena', 'Emeka', 'Emma', 'Farah', 'Felix', 'Grace', 'Hana', 'Hugo', 'Ines', 'Ivan',
  'Jack', 'Jana', 'Jonas', 'Julia', 'Kai', 'Kenji', 'Lara', 'Leo', 'Lina', 'Luca', 'Maya', 'Mei',
  'Mohamed', 'Nadia', 'Nikos', 'Noah', 'Olga', 'Omar', 'Paula', 'Priya', 'Rafael', 'Rosa', 'Sam', 'Sara',
  'Sofia', 'Tariq', 'Tom', 'Uma', 'Victor', 'Wei', 'Yara', 'Yusuf', 'Zoe', 'Zora',
] as const;

export const LAST_NAMES = [
  'Adams', 'Alvarez', 'Andersen', 'Baker', 'Banerjee', 'Becker', 'Brown', 'Chowdhury', 'Costa', 'Dubois',
  'Eriksen', 'Fischer', 'Garcia', 'Gomez', 'Hansen', 'Hoffmann', 'Ibrahim', 'Ito', 'Jensen', 'Kim',
  'Kowalski', 'Larsen', 'Lopez', 'Martin', 'Meyer', 'Moreau', 'Nakamura', 'Nguyen', 'Novak', 'Okafor',
  'Olsen', 'Patel', 'Petrov', 'Quinn', 'Rossi', 'Sato', 'Schmidt', 'Silva', 'Smith', 'Tanaka', 'Torres',
  'Usman', 'Varga', 'Wagner', 'Weber', 'Wong', 'Yilmaz', 'Zhang',
] as const;
