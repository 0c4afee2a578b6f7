// Prints the helm and kubectl versions the checks use (extracting the binaries on first use).
import { helmBinary, kubectlBinary, version } from './lib/tools.mjs';

const kubectl = version(kubectlBinary(), ['version', '--client']).split('\n')[0].replace('Client Version: ', '');
console.log(`helm ${version(helmBinary(), ['version', '--short'])}, kubectl ${kubectl}`);
