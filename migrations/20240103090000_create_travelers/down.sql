DROP TABLE travelers;
