"""Networks: toy MLPs (`mlp`), the DCGAN and ResNet image networks (`dcgan`, `resnet`), the random
DCGAN variants of WGAN-GP's Table 1 (`architectures`), the text CNNs (`text`) and the layers and
initialisation of the official tflib code they share (`layers`)."""
