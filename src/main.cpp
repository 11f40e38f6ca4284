// amfgate: argv -> Config -> Server::Run (src/app/command_line.h says how).
#include "app/command_line.h"

int main(int argc, char** argv) { return amfgate::RunMain(argc, argv); }
